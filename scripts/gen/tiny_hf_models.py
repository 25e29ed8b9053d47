#!/usr/bin/env python3
"""Generates tests/fixtures/hf/: tiny random-weight Hugging Face model folders (config.json,
safetensors, tokenizer.json, tokenizer_config.json) and, for each, golden.json holding the
token ids that the `tokenizers` library gives for a fixed text and the float32 logits of
every position that `transformers` computes for those ids.

  llama_f32_tied     LlamaForCausalLM, F32, one model.safetensors, tied embeddings,
                     transformers 5 config (rope_parameters), GPT-2 ByteLevel pre-tokenizer
  qwen2_f32_sharded  Qwen2ForCausalLM, F32, q/k/v biases, two shards + index, classic config
                     (rope_theta, rope_scaling linear x2), Qwen2 Split pre-tokenizer, no BOS
  llama_bf16         LlamaForCausalLM stored in BF16 (the reference runs in float32 on the
                     same bf16-rounded weights), SmolLM Digits + ByteLevel pre-tokenizer,
                     merges as "a b" strings, BOS/EOS in tokenizer_config.json as AddedTokens
  internlm2_f16      an InternLM2ForCausalLM checkpoint in F16 written here in InternLM2
                     naming (q/k/v packed into wqkv per kv head) from a llama model's
                     fp16-rounded weights; transformers has no InternLM2, so the reference is
                     that llama model's logits; InternLM2 config keys (rope_scaling linear x2),
                     Llama 3 Split pre-tokenizer with ignore_merges
  llama_llama3_rope  LlamaForCausalLM, F32, Llama 3.1's "llama3" rope scaling (factor 4,
                     low / high frequency factors 1 / 4, original context 32: every band of
                     pairs, kept, slowed and blended, within the golden's positions)

Weights are drawn larger than transformers' default init (std 0.02) so that attention is
peaked, RoPE matters and the logits are O(1): a mistake anywhere moves them visibly.
Needs torch, transformers (5.x), tokenizers and safetensors (pip).
Run from the repository root: python3 scripts/gen/tiny_hf_models.py"""
import json
import os
import random
import shutil

import numpy as np
import torch
from safetensors.torch import save_file
from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, processors, trainers
from transformers import LlamaConfig, LlamaForCausalLM, Qwen2Config, Qwen2ForCausalLM

OUT = "tests/fixtures/hf"
SEED = 20260214
VOCAB = 384
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
DIMS = dict(vocab_size=VOCAB, hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
            intermediate_size=128, max_position_embeddings=256, hidden_act="silu")
CHATML = ("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + "
          "'<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")

CORPUS = [
    "The quick brown fox jumps over the lazy dog. It's 2024, isn't it?",
    "Hello world! Hello there, world; hello again.",
    "In 1969, 3 astronauts flew 384,400 km to the Moon and back.",
    "We'll see what they've done: they're sure it'd work, I'm told.",
    "Numbers like 12345 and 67890 appear in tables, lists and code.",
    "def add(a, b):\n    return a + b\n\nprint(add(2, 3))",
    "Ünïcödé text: naïve café, résumé, Straße, 你好世界, привет мир.",
    "Tabs\tand  double  spaces\n\nand blank lines are whitespace too.",
    "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\nParis.<|im_end|>",
]
TEXT = "<|im_start|>user\nHello world! It's 2024, café 你  x\n\n12345<|im_end|>"

GPT2_PATTERN = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"
LLAMA3_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                  r"|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN2_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                 r"|\s*[\r\n]+|\s+(?!\S)|\s+")


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def pre_tokenizer(kind):
    if kind == "gpt2":
        return pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    if kind == "smollm":
        return pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True),
                                        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)])
    pattern = {"llama3": LLAMA3_PATTERN, "qwen2": QWEN2_PATTERN}[kind]
    return pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(pattern), behavior="isolated", invert=False),
                                    pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])


def train_tokenizer(kind, add_bos, ignore_merges=False, string_merges=False):
    """A byte-level BPE of VOCAB tokens trained on CORPUS; BOS (<|endoftext|>) is prepended
    by the post-processor when add_bos, as tokenizer_config.json's add_bos_token says.
    string_merges writes merges as "a b" strings, as older tokenizer.json files do."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizer(kind)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=VOCAB, special_tokens=SPECIALS, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(CORPUS, trainer)
    if add_bos:
        tok.post_processor = processors.TemplateProcessing(single="<|endoftext|> $A", special_tokens=[("<|endoftext|>", 0)])
    else:
        tok.post_processor = processors.ByteLevel(trim_offsets=False)
    spec = json.loads(tok.to_str())
    spec["model"]["ignore_merges"] = ignore_merges
    if string_merges:
        spec["model"]["merges"] = [" ".join(pair) for pair in spec["model"]["merges"]]
    tok = Tokenizer.from_str(json.dumps(spec))
    assert tok.get_vocab_size() == VOCAB, tok.get_vocab_size()
    return tok


def randomize(model, gen):
    """Weights of O(1) activations: matrix rows (embeddings too) ~N(0, 1.5^2 / row length),
    norm weights near 1 and biases ~N(0, 0.25) so that wrong wiring shows."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name:
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=gen))
            elif name.endswith(".bias"):
                p.copy_(0.5 * torch.randn(p.shape, generator=gen))
            else:
                p.copy_(1.5 / p.shape[1] ** 0.5 * torch.randn(p.shape, generator=gen))


def round_weights(model, dtype):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.to(dtype).to(torch.float32))


def logits_of(model, ids):
    model.eval()
    with torch.no_grad():
        return model(torch.tensor([ids])).logits[0].to(torch.float32)


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=2)
        f.write("\n")


def write_golden(folder, ids, logits):
    # Seven significant digits: within 5e-7 relative of the float32 values, far inside the
    # tests' 1e-4, and the fixtures stay small.
    rows = [[float(f"{v:.7g}") for v in row] for row in logits.tolist()]
    with open(os.path.join(folder, "golden.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps({"text": TEXT, "ids": ids}, ensure_ascii=False)[:-1])
        f.write(', "logits": [\n' + ",\n".join(json.dumps(r, separators=(",", ":")) for r in rows) + "]}\n")


def write_tokenizer(folder, tok, config):
    tok.save(os.path.join(folder, "tokenizer.json"))
    write_json(os.path.join(folder, "tokenizer_config.json"), {"tokenizer_class": "PreTrainedTokenizerFast",
                                                               "chat_template": CHATML, **config})


def edit_config(folder, edit):
    path = os.path.join(folder, "config.json")
    with open(path, encoding="utf-8") as f:
        config = json.load(f)
    edit(config)
    write_json(path, config)


def classic_rope(theta, scaling):
    """Rewrites transformers 5's rope_parameters as the rope_theta / rope_scaling keys that
    published checkpoints carry."""
    def edit(config):
        del config["rope_parameters"]
        config["rope_theta"] = theta
        config["rope_scaling"] = scaling
    return edit


def check_reload(cls, folder, ids, expected):
    """The saved folder, read back by transformers, gives the same logits."""
    model = cls.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager")
    got = logits_of(model, ids)
    assert torch.equal(got, expected), f"{folder}: reloaded logits differ by {(got - expected).abs().max()}"


def fresh(folder):
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)


def tied_llama(gen, name, **config_keys):
    """A tied-embedding LlamaForCausalLM in F32 with a GPT-2 ByteLevel tokenizer, its config
    written by transformers 5 (rope_parameters)."""
    folder = f"{OUT}/{name}"
    fresh(folder)
    tok = train_tokenizer("gpt2", add_bos=True)
    config = LlamaConfig(**DIMS, rms_norm_eps=1e-5, tie_word_embeddings=True, bos_token_id=0, eos_token_id=2,
                         attn_implementation="eager", **config_keys)
    model = LlamaForCausalLM(config)
    randomize(model, gen)
    model.save_pretrained(folder)
    write_tokenizer(folder, tok, {"bos_token": "<|endoftext|>", "eos_token": "<|im_end|>", "add_bos_token": True})
    ids = tok.encode(TEXT).ids
    logits = logits_of(model, ids)
    check_reload(LlamaForCausalLM, folder, ids, logits)
    write_golden(folder, ids, logits)
    return model


def llama_f32_tied(gen):
    tied_llama(gen, "llama_f32_tied", rope_theta=10000.0)


def qwen2_f32_sharded(gen):
    folder = f"{OUT}/qwen2_f32_sharded"
    fresh(folder)
    tok = train_tokenizer("qwen2", add_bos=False)
    config = Qwen2Config(**DIMS, rms_norm_eps=1e-6, rope_theta=50000.0, rope_scaling={"rope_type": "linear", "factor": 2.0},
                         tie_word_embeddings=False, bos_token_id=0, eos_token_id=2, attn_implementation="eager")
    model = Qwen2ForCausalLM(config)
    randomize(model, gen)
    model.save_pretrained(folder, max_shard_size="300KB")
    assert os.path.exists(os.path.join(folder, "model.safetensors.index.json")), "expected a sharded checkpoint"
    edit_config(folder, classic_rope(50000.0, {"type": "linear", "factor": 2.0}))
    write_tokenizer(folder, tok, {"bos_token": None, "eos_token": "<|im_end|>", "add_bos_token": False})
    ids = tok.encode(TEXT).ids
    logits = logits_of(model, ids)
    check_reload(Qwen2ForCausalLM, folder, ids, logits)
    write_golden(folder, ids, logits)


def llama_bf16(gen):
    folder = f"{OUT}/llama_bf16"
    fresh(folder)
    tok = train_tokenizer("smollm", add_bos=True, string_merges=True)
    config = LlamaConfig(**DIMS, rms_norm_eps=1e-5, rope_theta=100000.0, tie_word_embeddings=False, head_dim=16,
                         bos_token_id=0, eos_token_id=2, attn_implementation="eager")
    model = LlamaForCausalLM(config)
    randomize(model, gen)
    round_weights(model, torch.bfloat16)
    ids = tok.encode(TEXT).ids
    logits = logits_of(model, ids)
    model.to(torch.bfloat16).save_pretrained(folder)
    edit_config(folder, classic_rope(100000.0, None))
    added = lambda text: {"__type": "AddedToken", "content": text, "lstrip": False, "rstrip": False,
                          "normalized": False, "single_word": False}
    write_tokenizer(folder, tok, {"bos_token": added("<|endoftext|>"), "eos_token": added("<|im_end|>"),
                                  "add_bos_token": True})
    check_reload(LlamaForCausalLM, folder, ids, logits)
    write_golden(folder, ids, logits)


def internlm2_f16(gen):
    folder = f"{OUT}/internlm2_f16"
    fresh(folder)
    tok = train_tokenizer("llama3", add_bos=True, ignore_merges=True)
    theta, factor = 1000000.0, 2.0
    config = LlamaConfig(**DIMS, rms_norm_eps=1e-5, rope_theta=theta, rope_scaling={"rope_type": "linear", "factor": factor},
                         tie_word_embeddings=False, attn_implementation="eager")
    model = LlamaForCausalLM(config)
    randomize(model, gen)
    round_weights(model, torch.float16)
    ids = tok.encode(TEXT).ids
    logits = logits_of(model, ids)

    sd = {k: v.to(torch.float16) for k, v in model.state_dict().items()}
    n_kv, head_dim = DIMS["num_key_value_heads"], DIMS["hidden_size"] // DIMS["num_attention_heads"]
    group = DIMS["num_attention_heads"] // n_kv
    out = {"model.tok_embeddings.weight": sd["model.embed_tokens.weight"], "model.norm.weight": sd["model.norm.weight"],
           "output.weight": sd["lm_head.weight"]}
    for i in range(DIMS["num_hidden_layers"]):
        p = f"model.layers.{i}."
        wq = sd[p + "self_attn.q_proj.weight"].view(n_kv, group, head_dim, -1)
        wk = sd[p + "self_attn.k_proj.weight"].view(n_kv, 1, head_dim, -1)
        wv = sd[p + "self_attn.v_proj.weight"].view(n_kv, 1, head_dim, -1)
        out[p + "attention.wqkv.weight"] = torch.cat([wq, wk, wv], dim=1).reshape(-1, DIMS["hidden_size"]).contiguous()
        out[p + "attention.wo.weight"] = sd[p + "self_attn.o_proj.weight"]
        out[p + "feed_forward.w1.weight"] = sd[p + "mlp.gate_proj.weight"]
        out[p + "feed_forward.w3.weight"] = sd[p + "mlp.up_proj.weight"]
        out[p + "feed_forward.w2.weight"] = sd[p + "mlp.down_proj.weight"]
        out[p + "attention_norm.weight"] = sd[p + "input_layernorm.weight"]
        out[p + "ffn_norm.weight"] = sd[p + "post_attention_layernorm.weight"]
    save_file(out, os.path.join(folder, "model.safetensors"), metadata={"format": "pt"})
    write_json(os.path.join(folder, "config.json"), {
        "architectures": ["InternLM2ForCausalLM"], "model_type": "internlm2", "bias": False, "hidden_act": "silu",
        "hidden_size": DIMS["hidden_size"], "intermediate_size": DIMS["intermediate_size"],
        "max_position_embeddings": DIMS["max_position_embeddings"], "num_attention_heads": DIMS["num_attention_heads"],
        "num_hidden_layers": DIMS["num_hidden_layers"], "num_key_value_heads": n_kv, "rms_norm_eps": 1e-5,
        "rope_scaling": {"type": "linear", "factor": factor}, "rope_theta": theta, "tie_word_embeddings": False,
        "torch_dtype": "float16", "vocab_size": VOCAB, "bos_token_id": 0, "eos_token_id": 2, "pad_token_id": 2})
    write_tokenizer(folder, tok, {"bos_token": "<|endoftext|>", "eos_token": "<|im_end|>", "add_bos_token": True})
    write_golden(folder, ids, logits)


def llama_llama3_rope(gen):
    rope = {"rope_type": "llama3", "rope_theta": 10000.0, "factor": 4.0, "low_freq_factor": 1.0,
            "high_freq_factor": 4.0, "original_max_position_embeddings": 32}
    model = tied_llama(gen, "llama_llama3_rope", rope_parameters=rope)
    assert model.config.rope_parameters["rope_type"] == "llama3"


def main():
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    for i, make in enumerate([llama_f32_tied, qwen2_f32_sharded, llama_bf16, internlm2_f16, llama_llama3_rope]):
        seed_everything(SEED + i)
        make(torch.Generator().manual_seed(SEED + i))
        print("wrote", make.__name__)


if __name__ == "__main__":
    main()
