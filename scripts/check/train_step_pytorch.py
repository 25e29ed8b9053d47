#!/usr/bin/env python3
"""PyTorch's side of scripts/bench-train-vs-pytorch.sh: the model of a Sextant training config
as transformers' LlamaForCausalLM (float32, tied embeddings, SDPA attention), trained with
torch.optim.AdamW on random token batches of the config's shape, on 2 threads. Prints the
steady-state training tokens per second (median over the steps after the first three).
PRECISION "fp32" (the default) trains in float32; "bf16" runs the forward pass under
torch.autocast(bfloat16), PyTorch's mixed precision on the CPU.
usage: train_step_pytorch.py CONFIG.json TOKENIZER.json STEPS [PRECISION]"""
import json
import statistics
import sys
import time

import torch
from transformers import LlamaConfig, LlamaForCausalLM


def main():
    config = json.load(open(sys.argv[1]))
    vocab = len(json.load(open(sys.argv[2]))["model"]["vocab"])
    steps = int(sys.argv[3])
    bf16 = len(sys.argv) > 4 and sys.argv[4] == "bf16"
    torch.set_num_threads(2)
    torch.manual_seed(0)
    m = config["model"]
    b = config["batch"]
    model = LlamaForCausalLM(LlamaConfig(
        vocab_size=vocab, hidden_size=m["hidden_size"], num_hidden_layers=m["layers"],
        num_attention_heads=m["heads"], num_key_value_heads=m.get("kv_heads", m["heads"]),
        intermediate_size=m["ffn_size"], max_position_embeddings=b["sequence_length"],
        rms_norm_eps=1e-5, tie_word_embeddings=True, attn_implementation="sdpa")).float()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.95), weight_decay=0.1)
    batch, seq = b["micro_batch"], b["sequence_length"]
    times = []
    for _ in range(steps):
        x = torch.randint(0, vocab, (batch, seq + 1))
        t0 = time.perf_counter()
        opt.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits = model(input_ids=x[:, :-1]).logits
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, vocab).float(), x[:, 1:].reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        times.append(time.perf_counter() - t0)
    print(batch * seq / statistics.median(times[3:]))


if __name__ == "__main__":
    main()
