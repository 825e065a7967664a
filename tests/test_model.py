"""The maths the videos show: the decoder is a weighted sum of filters, the encoder dot products."""

import numpy as np
import torch

from core import weights
from core.model import Decoder, Encoder, init_models


def _place(filters, codes, stride=4):
    """sum_i code[i, w] * filter_i placed at w * stride: the transposed convolution by hand."""
    n_win = codes.shape[1]
    out = np.zeros((n_win - 1) * stride + filters.shape[1])
    for w in range(n_win):
        for i in range(filters.shape[0]):
            out[w * stride : w * stride + filters.shape[1]] += codes[i, w] * filters[i]
    return out


def test_decoder_is_weighted_sum_of_filters():
    torch.manual_seed(0)
    dec = Decoder()
    f = dec.deconv.weight.detach().double().numpy()[:, 0, :]
    b = dec.deconv.bias.item()
    for n_win in (1, 3):  # a 7-sample patch and a 15-sample curve
        codes = np.random.default_rng(n_win).normal(size=(3, n_win))
        out = dec.double()(torch.tensor(codes)[None]).detach().numpy()[0, 0]
        assert out.shape == ((n_win - 1) * 4 + 7,)
        np.testing.assert_allclose(out, _place(f, codes) + b, rtol=0, atol=1e-12)


def test_article_f6_codes_through_numpy_loader_math():
    torch.manual_seed(1)
    enc, dec = Encoder(), Decoder()
    ck = weights.Checkpoint("plain", 0, None, enc.conv.weight.detach().numpy()[:, 0],
                            enc.conv.bias.detach().numpy(), dec.deconv.weight.detach().numpy()[:, 0],
                            dec.deconv.bias.item(), np.zeros(0))
    for code in ([0.0, 0.1, 0.2], [0.1, 0.1, 0.0]):
        want = dec(torch.tensor(code).view(1, 3, 1)).detach().numpy()[0, 0]
        np.testing.assert_allclose(ck.decode(np.array([code]))[0], want, atol=1e-6)
        manual = sum(c * ck.dec_w[i] for i, c in enumerate(code)) + ck.dec_b
        np.testing.assert_allclose(ck.decode(np.array([code]))[0], manual, atol=1e-12)


def test_encoder_is_dot_products_then_tanh(patches):
    torch.manual_seed(2)
    enc = Encoder()
    w = enc.conv.weight.detach().double().numpy()[:, 0, :]
    b = enc.conv.bias.detach().double().numpy()
    x = patches[:50].astype(np.float64)
    code = enc.double()(torch.tensor(x)[:, None]).detach().numpy()[:, :, 0]
    np.testing.assert_allclose(code, np.tanh(x @ w.T + b), atol=1e-12)
    # on a whole 15-sample curve: three windows at 0, 4, 8
    curve = np.random.default_rng(0).normal(size=15)
    full = enc(torch.tensor(curve)[None, None]).detach().numpy()[0]
    assert full.shape == (3, 3)
    for win in range(3):
        np.testing.assert_allclose(full[:, win], np.tanh(w @ curve[4 * win : 4 * win + 7] + b),
                                   atol=1e-12)


def test_init_models_is_the_article_init_and_leaves_global_rng_alone():
    torch.manual_seed(123)
    before = torch.get_rng_state()
    enc, dec, state = init_models(22)
    assert torch.equal(torch.get_rng_state(), before)
    torch.manual_seed(22)
    e2, d2 = Encoder(3, 7), Decoder(3, 7)
    assert torch.equal(enc.conv.weight, e2.conv.weight) and torch.equal(dec.deconv.bias, d2.deconv.bias)
    assert torch.equal(state, torch.get_rng_state())
    assert set(enc.state_dict()) == {"conv.weight", "conv.bias"}
    assert set(dec.state_dict()) == {"deconv.weight", "deconv.bias"}


def test_numpy_window_maths_equal_torch_on_whole_curves(curves_and_params):
    """The loader's encode_windows / decode_windows are the article's Conv1d / ConvTranspose1d
    on 15-sample curves, with the shipped weights."""
    ck = weights.load_checkpoint("plain", 22)
    enc, dec = Encoder().double(), Decoder().double()
    with torch.no_grad():
        enc.conv.weight[:] = torch.tensor(ck.enc_w)[:, None]
        enc.conv.bias[:] = torch.tensor(ck.enc_b)
        dec.deconv.weight[:] = torch.tensor(ck.dec_w)[:, None]
        dec.deconv.bias[:] = ck.dec_b
        curves = curves_and_params[0][:20]
        codes = enc(torch.tensor(curves)[:, None]).numpy()  # (20, 3, 3)
        outs = dec(torch.tensor(codes)).numpy()[:, 0]  # (20, 15)
    for curve, code, out in zip(curves, codes, outs):
        np.testing.assert_allclose(ck.encode_windows(curve), code, atol=1e-12)
        np.testing.assert_allclose(ck.decode_windows(code), out, atol=1e-12)
        np.testing.assert_allclose(ck.decode_windows(code), _place(ck.dec_w, code) + ck.dec_b, atol=1e-12)
