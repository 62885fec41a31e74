from dockguard.renames import is_transliteration, release_proper_nouns, speaker_pairs, text_name_pairs


def test_transliterations_are_recognised_and_renames_are_not():
    for a, b in [("林霄", "Lin Xiao"), ("上海", "Shanghai"), ("瑞秋", "Rachel"), ("莫妮卡", "Monica"), ("菲比", "Phoebe"), ("金吉儿", "Ginger")]:
        assert is_transliteration(a, b), (a, b)
    for a, b in [("林霄", "Leo"), ("苏晴", "Sophie"), ("上海", "New York"), ("王建国", "Antonio"), ("江屿", "Raka")]:
        assert not is_transliteration(a, b), (a, b)


def test_speaker_pairs_take_the_majority_counterpart_and_judge_renames():
    pairs = [("林霄", "LEO")] * 5 + [("林霄", "SOPHIE")] + [("苏晴", "SOPHIE")] * 3 + [("陈默", "CHEN MO")] * 2 + [("路人", None)]
    found = {(p.original, p.release, p.support, p.renamed) for p in speaker_pairs(pairs)}
    assert found == {("林霄", "Leo", 5, True), ("苏晴", "Sophie", 3, True), ("陈默", "Chen Mo", 2, False)}


def test_names_in_text_are_paired_by_co_occurrence():
    pairs = [
        ("林霄，你回上海了？", "Leo, you're back in New York?"),
        ("上海的雨真大。", "The rain in New York is heavy."),
        ("林霄不会来了。", "Leo isn't coming."),
        ("我们去吃饭吧。", "Let's go eat."),
    ]
    release = release_proper_nouns([r for _, r in pairs])
    assert {"Leo", "New", "York"} <= release
    found = {(p.original, p.release) for p in text_name_pairs(pairs, {"林霄", "上海"}, release)}
    assert ("林霄", "Leo") in found and ("上海", "New York") in found


def test_proper_nouns_exclude_words_seen_in_lower_case():
    nouns = release_proper_nouns(["The house is empty.", "Leo opens the door.", "the end"])
    assert "Leo" in nouns and "The" not in nouns


def test_names_are_mined_from_aligned_pairs_when_the_original_has_no_cast():
    from dockguard.renames import mined_name_pairs

    pairs = [("瑞秋，你好吗？", "Camila, how are you?"), ("我爱瑞秋", "I love Camila"), ("瑞秋走了", "Camila left"),
             ("我们走吧", "Let's go"), ("罗斯来了", "Ross is here"), ("你好罗斯", "Hi Ross"), ("罗斯？", "Ross?")]
    found = {(p.original, p.release, p.renamed) for p in mined_name_pairs(pairs, ["Camila", "Ross"])}
    assert found == {("瑞秋", "Camila", True), ("罗斯", "Ross", False)}


def test_tied_name_pairs_come_out_the_same_in_every_process():
    """Names are held in sets, whose order changes with Python's hash seed; evidence must not."""
    import os
    import subprocess
    import sys

    code = (
        "from dockguard.renames import text_name_pairs as t;"
        "pairs=[('萧舒来了','Yang and Zi'),('萧舒走了','Zi and Yang'),('好','ok')];"
        "print(t(pairs,['萧舒'],['Yang','Zi','Bo','Al']))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": str(seed)}, capture_output=True, text=True, check=True
        ).stdout
        for seed in range(6)
    }
    assert len(outputs) == 1 and "萧舒" in outputs.pop()
