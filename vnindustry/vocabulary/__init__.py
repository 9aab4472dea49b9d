"""The reader's vocabulary, kept as data rather than literals: `lexicon.csv` (cue phrases by kind),
`product_heads.csv` (product head words and their sections) and `numbers.csv` (number words)."""
