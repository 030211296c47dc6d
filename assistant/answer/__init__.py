"""The answer pipeline, stage by stage (`pipeline` runs them in order): the `question` read once,
its follow-up rewrite (`chat`), `retrieval` (with `rerank` and the `recency` prior), article
`headers`, `evidence` sentences, the source check (`screen`), the `prompting` of the backend, the
draft's `citations` verified, and the answer `compose`d (a hollow draft caught by `substance`)."""
