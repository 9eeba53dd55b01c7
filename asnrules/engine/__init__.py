"""The generic engine: runs a compiled ruleset over pool rows.

It knows nothing about JWST nor about the rule-file syntax: importing it loads neither
lark, pydantic nor yaml. ``scope`` and ``values`` are what compiled expressions run
against; ``ruleset`` holds the compiled rules; ``matching`` and ``generator`` make the
associations; ``candidates``, ``per_pool``, ``finalize``, ``merge`` and ``summarize``
shape them; ``hooks`` lets rulesets call named Python steps.
"""
