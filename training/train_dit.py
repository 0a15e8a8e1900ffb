"""Trains the bundled class-conditional DiT on Fashion-MNIST (pixel space, 1 x 28 x 28) on the CPU.

Deterministic for a seed and resumable: every --checkpoint-every steps and at every epoch end the run folder gets
checkpoint.pt (model, EMA, optimizer, generator state, position in the epoch), written atomically. Rerunning the same
command continues where the last checkpoint left off; --minutes stops cleanly after a checkpoint so a session can
train in chunks. log.jsonl gets one line per epoch (mean loss, mean eps-MSE, images/s, wall time).

    /usr/bin/python3 training/train_dit.py --run training/runs/fmnist-dit --epochs 20 --decay-from 15
    /usr/bin/python3 training/train_dit.py --run training/runs/fmnist-dit --export models/fmnist-dit/fmnist-dit.safetensors
"""
import argparse
import copy
import json
import math
import os
import time

import numpy as np
import torch

import fmnist_data
from diffusion_loss import LinearSchedule, training_loss
from dit_model import DiT
from safetensors_io import write_safetensors

ARCH = dict(image=28, channels=1, patch=4, hidden=128, depth=6, heads=4, num_classes=10, label_dropout=0.1)


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--run", required=True, help="run folder (checkpoint.pt, log.jsonl)")
    p.add_argument("--epochs", type=int, default=16)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--warmup", type=int, default=500, help="linear learning-rate warm-up steps")
    p.add_argument("--decay-from", type=int, default=0,
                   help="epoch from which the learning rate follows a cosine down to 0 at the last epoch (0: constant)")
    p.add_argument("--ema", type=float, default=0.999)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--checkpoint-every", type=int, default=200)
    p.add_argument("--minutes", type=float, default=0, help="stop after a checkpoint once this much time has passed")
    p.add_argument("--export", help="write the EMA weights as safetensors and stop")
    return p.parse_args()


def learning_rate(args, step, batches):
    """Linear warm-up, then constant; with --decay-from E a half cosine from the first step of epoch E to 0 at the end.
    A function of the step alone, so a resumed run follows the same schedule as an uninterrupted one."""
    rate = args.lr * min(1.0, (step + 1) / args.warmup)
    if args.decay_from > 0:
        start, end = args.decay_from * batches, args.epochs * batches
        if step >= start:
            rate *= 0.5 * (1.0 + math.cos(math.pi * (step - start) / max(1, end - start)))
    return rate


def save_atomic(state, path):
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.run, exist_ok=True)
    ckpt_path = os.path.join(args.run, "checkpoint.pt")

    model = DiT(**ARCH)
    ema = copy.deepcopy(model).eval()
    for p in ema.parameters():
        p.requires_grad_(False)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=0.0)
    gen = torch.Generator().manual_seed(args.seed)
    state = dict(epoch=0, batch=0, step=0, seconds=0.0, images=0, epoch_loss=0.0, epoch_mse=0.0, epoch_batches=0)
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path)
        model.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        gen.set_state(ck["generator"])
        state = ck["state"]
        print(f"resumed at epoch {state['epoch']} batch {state['batch']} step {state['step']}", flush=True)

    if args.export:
        meta = dict(arch=json.dumps(ARCH), step=str(state["step"]), epochs=str(state["epoch"]), ema=str(args.ema),
                    seed=str(args.seed), weights="EMA")
        write_safetensors({k: v for k, v in ema.state_dict().items()}, args.export, meta)
        print(f"wrote {args.export} (EMA weights after {state['step']} steps)")
        return

    images, labels = fmnist_data.load("train")
    data = torch.from_numpy(fmnist_data.to_model_range(images))
    targets = torch.from_numpy(labels)
    schedule = LinearSchedule()
    batches = len(data) // args.batch
    log_path = os.path.join(args.run, "log.jsonl")
    n_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    print(f"DiT {ARCH} with {n_params:,} trainable parameters, {batches} batches of {args.batch} an epoch", flush=True)

    started = time.time()
    chunk_images, chunk_start = 0, time.time()
    model.train()
    while state["epoch"] < args.epochs:
        order = np.random.default_rng(args.seed * 100003 + state["epoch"]).permutation(len(data))
        while state["batch"] < batches:
            idx = torch.from_numpy(order[state["batch"] * args.batch:(state["batch"] + 1) * args.batch])
            x0, y = data[idx], targets[idx]
            flip = torch.rand(len(idx), generator=gen) < 0.5  # horizontal flips keep every garment class
            x0 = torch.where(flip.view(-1, 1, 1, 1), x0.flip(3), x0)
            for group in opt.param_groups:
                group["lr"] = learning_rate(args, state["step"], batches)
            loss, mse = training_loss(model, schedule, x0, y, gen)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            with torch.no_grad():
                for pe, pm in zip(ema.parameters(), model.parameters()):
                    pe.mul_(args.ema).add_(pm.detach(), alpha=1.0 - args.ema)
            state["step"] += 1
            state["batch"] += 1
            state["images"] += len(idx)
            state["epoch_loss"] += loss.item()
            state["epoch_mse"] += mse.item()
            state["epoch_batches"] += 1
            chunk_images += len(idx)
            if state["step"] % 50 == 0:
                rate = chunk_images / (time.time() - chunk_start)
                print(f"epoch {state['epoch']} batch {state['batch']}/{batches} step {state['step']} "
                      f"loss {loss.item():.4f} mse {mse.item():.4f} {rate:.1f} img/s", flush=True)
            end_of_epoch = state["batch"] == batches
            out_of_time = args.minutes > 0 and time.time() - started > args.minutes * 60
            if end_of_epoch:
                line = dict(epoch=state["epoch"], step=state["step"],
                            loss=state["epoch_loss"] / state["epoch_batches"],
                            mse=state["epoch_mse"] / state["epoch_batches"],
                            images_per_s=chunk_images / (time.time() - chunk_start),
                            wall_s=state["seconds"] + time.time() - chunk_start)
                with open(log_path, "a") as f:
                    f.write(json.dumps(line) + "\n")
                print("epoch done:", json.dumps(line), flush=True)
                state.update(epoch=state["epoch"] + 1, batch=0, epoch_loss=0.0, epoch_mse=0.0, epoch_batches=0)
            if end_of_epoch or out_of_time or state["step"] % args.checkpoint_every == 0:
                state["seconds"] += time.time() - chunk_start
                chunk_images, chunk_start = 0, time.time()
                save_atomic(dict(model=model.state_dict(), ema=ema.state_dict(), opt=opt.state_dict(),
                                 generator=gen.get_state(), state=state, arch=ARCH, args=vars(args)), ckpt_path)
            if out_of_time:
                print(f"stopping after {args.minutes} minutes at step {state['step']}; rerun to continue", flush=True)
                return
            if end_of_epoch:
                break
    print(f"training done: {state['epoch']} epochs, {state['step']} steps, {state['seconds'] / 3600:.2f} h", flush=True)


if __name__ == "__main__":
    main()
