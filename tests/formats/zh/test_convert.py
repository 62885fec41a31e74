from dockguard.formats.zh.convert import changes_to_simplified, changes_to_traditional, simplified_view


def test_simplified_view_maps_characters_and_keeps_the_length():
    text = "場景：特寫 頭髮乾燥，說話。Leo"
    view = simplified_view(text)
    assert view == "场景：特写 头发干燥，说话。Leo"
    assert len(view) == len(text)


def test_which_way_a_character_changes():
    assert changes_to_simplified("說") and not changes_to_traditional("說")
    assert changes_to_traditional("说") and not changes_to_simplified("说")
    assert not changes_to_simplified("人") and not changes_to_traditional("人")


def test_compatibility_ideographs_are_neither_form():
    # U+F900 豈 and U+2F800 丽 are folded by Unicode itself (NFC), not by Traditional -> Simplified
    for ch in ("\uf900", "\U0002f800"):
        assert not changes_to_simplified(ch) and not changes_to_traditional(ch)
        assert simplified_view(ch) == ch
