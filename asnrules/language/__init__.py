"""The rule language: from rule-file text to a compiled :class:`~asnrules.engine.ruleset.Ruleset`.

Layers, in the order text passes through them: ``positions`` (YAML with line and
column), ``documents`` and ``models`` (the rule-file schema), ``merging`` (how fields
combine along defaults and ``extends``), ``expressions`` (syntax trees) and ``syntax``
(the Lark grammar, imported only to parse), ``functions`` and ``compiler`` (names
checked, closures built), ``loader`` (which files, into one ruleset) with, per file,
``loadstate`` (located problems, compiled expressions), ``definitions`` (one
namespace), ``inheritance`` (defaults, bases, ``extends``), ``attributes``, ``roles``,
``templates``, ``rules`` and ``warnings``;
``suggest`` (the one "did you mean" helper), ``parsecache`` (parsed expressions
cached on disk), ``rulecache`` (compiled rulesets and lint findings cached on disk) and
``closurepickle`` (compiled closures to bytes and back).
"""
