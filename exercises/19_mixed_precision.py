"""19 · Mixed precision with torch.autocast  (beyond the appendix; the book's chapter 5 and
appendix D train GPT models in bfloat16 this way)

float32 is exact enough for everything but slow and large; the matrix products of a
network are fine in 16 bits. torch.autocast runs each operation in the precision that
suits it (products in bfloat16 or float16, reductions and losses in float32) while the
parameters stay float32:

    with torch.autocast(device_type="cuda", dtype=torch.bfloat16):   # or "cpu"
        logits = model(x)                  # matrix products in bfloat16
        loss = F.cross_entropy(logits, y)
    loss.backward()                        # outside the with block; gradients are float32

float16 has a narrow range: small gradients underflow to 0. A GradScaler multiplies the
loss by a large factor before backward() and divides the gradients again before the
step; a step whose gradients hold inf or NaN is skipped and the factor lowered:

    scaler.scale(loss).backward()
    scaler.step(optimizer)                 # unscales, and skips the step on inf/NaN
    scaler.update()                        # adjusts the factor for the next step

bfloat16 has float32's range and needs no scaler; the CPU supports it too. Do not cast the
model with model.to(torch.bfloat16) or model.half(): then the weights themselves lose
precision, and small updates vanish. Write:

    autocast_forward(model, x, device_type="cpu", dtype=torch.bfloat16)
                     -> model(x) computed under autocast on that device type, in that dtype;
                        the model's parameters stay float32
    train_step_amp(model, optimizer, x, y, scaler=None, device_type="cpu", dtype=torch.bfloat16)
                     -> one training step: zero the gradients, forward and F.cross_entropy
                        under autocast, backward outside it, and the optimizer step, through
                        the scaler when one is given (scale, step, update) and directly when
                        scaler is None. Returns the loss as a Python float.

Save the file: the dojo checks it. Stuck? `torch-dojo hint 19`.
"""

import torch
import torch.nn.functional as F  # noqa: F401


def autocast_forward(model, x, device_type="cpu", dtype=torch.bfloat16):
    """model(x) under torch.autocast."""
    # TODO
    raise NotImplementedError


def train_step_amp(model, optimizer, x, y, scaler=None, device_type="cpu", dtype=torch.bfloat16):
    """One mixed-precision training step; the loss as a float."""
    # TODO: zero_grad; forward and loss under autocast; backward and step, with the scaler if given.
    raise NotImplementedError
