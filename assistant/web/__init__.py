"""The web chat (Gradio), in parts: one module per tab (`chat`, `library`, `lookup`), the `/ask` API
(`api`), pure HTML renderers (`render`), and the CSS and JS in `static/`. Only the launcher (`app.py`,
`assistant serve`) imports this package; it imports the rest of the project through its public API.
Gradio itself is imported only when an app is built."""
from assistant.web.server import build, launch

__all__ = ["build", "launch"]
