

def test_cli_text_follows_generate_options() -> None:
    result = runner.invoke(app, ["explain", str(EXAMPLE_POOL), "3", "-i", "o001"])
    assert result.exit_code == 0, result.output
    assert "(row 3)" in result.output
    assert "jw01234-o001_image3_00001_asn.json" in result.output or "o001_image3" in result.output
    assert "c1000" not in result.output and "discovery" not in result.output
    clash = runner.invoke(app, ["explain", str(EXAMPLE_POOL), "3", "-i", "o001", "--discover"])
    assert clash.exit_code == 2
