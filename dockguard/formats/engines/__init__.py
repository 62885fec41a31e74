"""What several readers share: the episode/scene assembler every reader builds with (`assembly`),
speaker cues, parentheticals and voice-over marks (`cues`), the screenplay line engine behind Fountain
and transcripts (`screenplay`), and physical lines and sentence splitting (`sentences`)."""
