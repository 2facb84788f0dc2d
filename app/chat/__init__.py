"""The chat: a question about the loaded night becomes an answer, one way through

    understand (rules + semantic layer) -> dialogue (follow-ups) -> plan -> execute -> render

``understand`` turns words into a :class:`~app.chat.query.Query`; ``dialogue`` fills a
follow-up from the session's last query and results; ``plan`` ties the query to the
night (epochs, seconds); ``execute`` reads the night, the heads and the library and
returns data only; ``render`` writes the text, highlights and plot actions.
:func:`app.chat.pipeline.ask` runs the whole way.
"""
