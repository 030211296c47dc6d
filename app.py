"""`python app.py`: the web chat (assistant/web/) over the library the settings name (config file and
$ASSISTANT_* variables), on http://127.0.0.1:7860. `assistant serve` is the same with flags."""
from assistant import Assistant
from assistant.web import launch

if __name__ == "__main__":
    launch(Assistant())
