//! Near-duplicate detection for syndicated press releases: 64-bit simhashes of word (or CJK
//! character) shingles, compared by Hamming distance.
