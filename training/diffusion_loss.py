"""DiT's training objective: the linear beta schedule over 1000 steps, the noise-prediction MSE, plus the variational
bound term that trains the learned variance (with the predicted mean detached, so it only shapes the variance)."""
import math

import numpy as np
import torch

STEPS = 1000


class LinearSchedule:
    def __init__(self, steps=STEPS):
        betas = np.linspace(1e-4, 0.02, steps, dtype=np.float64)
        alphas_cumprod = np.cumprod(1.0 - betas)
        prev = np.append(1.0, alphas_cumprod[:-1])
        posterior_variance = betas * (1.0 - prev) / (1.0 - alphas_cumprod)
        self.steps = steps
        self.betas = betas
        self.sqrt_ab = np.sqrt(alphas_cumprod)
        self.sqrt_1mab = np.sqrt(1.0 - alphas_cumprod)
        self.sqrt_recip_ab = np.sqrt(1.0 / alphas_cumprod)
        self.sqrt_recipm1_ab = np.sqrt(1.0 / alphas_cumprod - 1.0)
        self.post_logvar_clipped = np.log(np.append(posterior_variance[1], posterior_variance[1:]))
        self.post_coef1 = betas * np.sqrt(prev) / (1.0 - alphas_cumprod)
        self.post_coef2 = (1.0 - prev) * np.sqrt(1.0 - betas) / (1.0 - alphas_cumprod)

    @staticmethod
    def take(array, t):
        return torch.from_numpy(array).float()[t].view(-1, 1, 1, 1)


def normal_kl(mean1, logvar1, mean2, logvar2):
    return 0.5 * (-1.0 + logvar2 - logvar1 + torch.exp(logvar1 - logvar2) + (mean1 - mean2) ** 2 * torch.exp(-logvar2))


def approx_standard_normal_cdf(x):
    return 0.5 * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def discretized_gaussian_log_likelihood(x, means, log_scales):
    """Log-likelihood of 8-bit data in [-1, 1] under a Gaussian discretized to bins of width 2/255."""
    centered = x - means
    inv_stdv = torch.exp(-log_scales)
    cdf_plus = approx_standard_normal_cdf(inv_stdv * (centered + 1.0 / 255.0))
    cdf_min = approx_standard_normal_cdf(inv_stdv * (centered - 1.0 / 255.0))
    log_cdf_plus = torch.log(cdf_plus.clamp(min=1e-12))
    log_one_minus_cdf_min = torch.log((1.0 - cdf_min).clamp(min=1e-12))
    log_probs = torch.where(
        x < -0.999, log_cdf_plus,
        torch.where(x > 0.999, log_one_minus_cdf_min, torch.log((cdf_plus - cdf_min).clamp(min=1e-12))))
    return log_probs


def training_loss(model, schedule, x0, labels, generator):
    """Mean over the batch of MSE(eps) + VB (in bits per dimension, as DiT's objective does)."""
    n = x0.shape[0]
    t = torch.randint(0, schedule.steps, (n,), generator=generator)
    noise = torch.randn(x0.shape, generator=generator)
    xt = schedule.take(schedule.sqrt_ab, t) * x0 + schedule.take(schedule.sqrt_1mab, t) * noise
    out = model(xt, t, labels, generator)
    channels = x0.shape[1]
    eps, v = out[:, :channels], out[:, channels:]
    mse = ((eps - noise) ** 2).mean(dim=(1, 2, 3))

    # The VB term sees the mean through a detached eps, so it trains only the variance interpolation v.
    min_log = schedule.take(schedule.post_logvar_clipped, t)
    max_log = schedule.take(np.log(schedule.betas), t)
    frac = (v + 1.0) / 2.0
    model_logvar = frac * max_log + (1.0 - frac) * min_log
    pred_x0 = schedule.take(schedule.sqrt_recip_ab, t) * xt - schedule.take(schedule.sqrt_recipm1_ab, t) * eps.detach()
    model_mean = schedule.take(schedule.post_coef1, t) * pred_x0 + schedule.take(schedule.post_coef2, t) * xt
    true_mean = schedule.take(schedule.post_coef1, t) * x0 + schedule.take(schedule.post_coef2, t) * xt
    kl = normal_kl(true_mean, min_log, model_mean, model_logvar).mean(dim=(1, 2, 3)) / math.log(2.0)
    nll = -discretized_gaussian_log_likelihood(x0, model_mean, 0.5 * model_logvar).mean(dim=(1, 2, 3)) / math.log(2.0)
    vb = torch.where(t == 0, nll, kl)
    return (mse + vb).mean(), mse.mean()
