"""Facts -> captions at five levels -> facts again.

Modules: ``levels`` (:data:`LEVELS`), ``night`` (:func:`caption_night`),
``caption`` (:func:`render_caption`, :func:`parse_caption`), ``cli``
(``sleeplm captions``), and one template module per level. This package
imports nothing eagerly, so ``captions.levels`` stays importable from the
feature code without an import cycle.
"""
