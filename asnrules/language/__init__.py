"""The rule language: from rule-file text to a compiled :class:`~asnrules.engine.ruleset.Ruleset`.

Layers, in the order text passes through them: ``positions`` (YAML with line and column),
``documents`` and ``models`` (the rule-file schema), ``merging`` (includes, defaults,
``extends``), ``expressions`` (the Lark grammar and syntax trees), ``functions`` and
``compiler`` (names checked, closures built), ``loader`` (all of it, into rules), and
``parsecache`` (compiled expressions cached on disk).
"""
