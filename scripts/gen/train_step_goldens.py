#!/usr/bin/env python3
"""Generates tests/fixtures/train/tiny_llama/: a tiny random-weight LlamaForCausalLM in
Hugging Face layout (config.json, model.safetensors) and what PyTorch computes for one fixed
batch, the goldens of the trainer's tests:

  golden.json               the batch (input ids, target ids, -100 = no loss), the mean
                            cross-entropy loss before each optimizer step, and the settings
  grads.safetensors         d loss / d parameter for every parameter, before any step
  after_one_step.safetensors  the parameters after the first AdamW step (from the gradients
                            in grads.safetensors: the optimizer alone is checked against it)
  after_steps.safetensors   the parameters after two AdamW steps on that batch
                            (betas 0.9/0.95, eps 1e-8, weight decay on matrices only,
                            gradients clipped to a global norm of 1.0 before each step)

GQA (4 query heads of 16 dimensions, 2 key/value heads), tied embeddings, RoPE in Hugging Face's halves form.
Weights are drawn larger than the usual init (std 0.15) so that attention is peaked and every
part of the model moves the loss; norm weights are not all ones so that their gradients and
their use in the forward pass are checked.
Needs torch, transformers (5.x) and safetensors (pip).
Run from the repository root: python3 scripts/gen/train_step_goldens.py"""
import json
import os

import torch
from safetensors.torch import save_file
from transformers import LlamaConfig, LlamaForCausalLM

OUT = "tests/fixtures/train/tiny_llama"
SEED = 20261130
B, T = 2, 20
LR, BETAS, EPS, WD, CLIP, STEPS = 1e-2, (0.9, 0.95), 1e-8, 0.1, 1.0, 2


def main():
    torch.manual_seed(SEED)
    config = LlamaConfig(vocab_size=96, hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
                         num_key_value_heads=2, intermediate_size=96, max_position_embeddings=64,
                         rms_norm_eps=1e-5, rope_theta=10000.0, tie_word_embeddings=True, hidden_act="silu",
                         bos_token_id=1, eos_token_id=2)
    model = LlamaForCausalLM(config).float()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 2:
                p.normal_(0.0, 0.15)
            else:
                p.copy_(1.0 + 0.1 * torch.randn_like(p))
    os.makedirs(OUT, exist_ok=True)
    model.save_pretrained(OUT, safe_serialization=True)
    os.remove(os.path.join(OUT, "generation_config.json"))

    inputs = torch.randint(0, config.vocab_size, (B, T))
    targets = torch.randint(0, config.vocab_size, (B, T))
    targets[0, 3] = -100
    targets[1, 0] = -100
    targets[1, T - 1] = -100

    params = {n: p for n, p in model.named_parameters()}
    decay = [p for n, p in params.items() if p.dim() == 2]
    no_decay = [p for n, p in params.items() if p.dim() != 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": WD}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=LR, betas=BETAS, eps=EPS)
    losses, grad_norms = [], []
    for step in range(STEPS):
        opt.zero_grad()
        logits = model(input_ids=inputs).logits
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, config.vocab_size), targets.reshape(-1),
                                                 ignore_index=-100)
        loss.backward()
        if step == 0:
            save_file({n: p.grad.detach().clone().contiguous() for n, p in params.items()},
                      os.path.join(OUT, "grads.safetensors"))
        grad_norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)))
        losses.append(float(loss.detach()))
        opt.step()
        if step == 0:
            save_file({n: p.detach().clone().contiguous() for n, p in params.items()},
                      os.path.join(OUT, "after_one_step.safetensors"))
    save_file({n: p.detach().clone().contiguous() for n, p in params.items()},
              os.path.join(OUT, "after_steps.safetensors"))

    golden = {"inputs": inputs.tolist(), "targets": targets.tolist(), "losses": losses,
              "grad_norms_before_clipping": grad_norms,
              "adamw": {"lr": LR, "beta1": BETAS[0], "beta2": BETAS[1], "eps": EPS, "weight_decay": WD,
                        "clip": CLIP, "steps": STEPS},
              "reference": f"torch {torch.__version__}, transformers {__import__('transformers').__version__}"}
    with open(os.path.join(OUT, "golden.json"), "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}: losses {losses}, grad norms {grad_norms}")


if __name__ == "__main__":
    main()
