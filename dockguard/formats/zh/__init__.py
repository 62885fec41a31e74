"""The Chinese-script reader (`script.read_zh_script`) and its parts: lines cut into headings, cast
lists, cues and speech (`segment`), which labels are speakers (`speakers`), the Simplified view of
Traditional text that all matching uses (`convert`), and Chinese numerals (`numerals`)."""
