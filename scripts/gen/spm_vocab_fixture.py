#!/usr/bin/env python3
"""Generates tests/fixtures/tokenizer/spm_tiny.gguf: a vocabulary-only GGUF with a
SentencePiece-style BPE tokenizer (tokenizer.ggml.model = "llama": scored pieces, U+2581
for spaces, <0xNN> byte fallback), written with the `gguf` package (pip install gguf==0.19.0).
Its goldens (spm_tiny.*.ids) come from llama.cpp's llama-tokenize through
scripts/gen/tokenizer_goldens.sh. Run from the repository root."""
import gguf

WORDS = """the quick brown fox jumps over lazy dog it is and we have paid about leading spaces
trailing tabs newlines three blank lines above yes mixed whitespace runs end def return for int
sum numbers contractions you he she they don special tokens inside text hello world""".split()


def pieces():
    """Pieces a BPE would learn: every prefix of each word with and without the space mark,
    scored so that longer pieces merge later (more negative) in a deterministic order."""
    seen, out = set(), []
    for w in WORDS:
        for form in (w, "\u2581" + w):
            for n in range(2, len(form) + 1):
                p = form[:n]
                if p not in seen:
                    seen.add(p)
                    out.append(p)
    singles = sorted({c for w in WORDS for c in w} | {"\u2581"})
    return singles, out


def main():
    singles, merged = pieces()
    tokens, scores, types = ["<unk>", "<s>", "</s>"], [0.0, 0.0, 0.0], [2, 3, 3]
    for b in range(256):
        tokens.append(f"<0x{b:02X}>")
        scores.append(0.0)
        types.append(6)
    for i, p in enumerate(singles):
        tokens.append(p)
        scores.append(-1000.0 - i)
        types.append(1)
    for i, p in enumerate(merged):
        tokens.append(p)
        scores.append(-float(len(p)) - i / 10000.0)
        types.append(1)
    w = gguf.GGUFWriter("tests/fixtures/tokenizer/spm_tiny.gguf", arch="llama")
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_unk_token_id(0)
    w.add_add_bos_token(True)
    w.add_add_space_prefix(True)
    # Minimal hyperparameters so that llama.cpp accepts the file as a (vocabulary-only) model.
    w.add_context_length(64)
    w.add_embedding_length(8)
    w.add_block_count(1)
    w.add_feed_forward_length(8)
    w.add_head_count(1)
    w.add_layer_norm_rms_eps(1e-5)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


if __name__ == "__main__":
    main()
