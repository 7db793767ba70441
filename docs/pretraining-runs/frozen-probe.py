# A linear probe on frozen features (frozen-features.js): logistic regression with L2, fitted by L-BFGS on
# the standardised training features, scored on validation. Prints the accuracy for each feature and penalty.
#   python3 docs/pretraining-runs/frozen-probe.py FEATURES.json ...      (PyTorch: Debian's python3-torch)
import json
import sys

import torch


def probe(train_x, train_y, valid_x, valid_y, penalty):
    mean, std = train_x.mean(0), train_x.std(0) + 1e-6
    train_x, valid_x = (train_x - mean) / std, (valid_x - mean) / std
    weights = torch.zeros(train_x.shape[1], requires_grad=True)
    bias = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.LBFGS([weights, bias], max_iter=500)

    def closure():
        optimizer.zero_grad()
        logits = train_x @ weights + bias
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, train_y) + penalty * weights.square().sum()
        loss.backward()
        return loss

    optimizer.step(closure)
    with torch.no_grad():
        return ((valid_x @ weights + bias > 0).float() == valid_y).float().mean().item()


for path in sys.argv[1:]:
    data = json.load(open(path))
    train_y = torch.tensor(data['train']['labels'], dtype=torch.float32)
    valid_y = torch.tensor(data['validation']['labels'], dtype=torch.float32)
    for feature in ['first', 'mean']:
        train_x = torch.tensor(data['train'][feature])
        valid_x = torch.tensor(data['validation'][feature])
        scores = [f'{penalty}: {probe(train_x, train_y, valid_x, valid_y, penalty):.4f}' for penalty in [1e-4, 1e-3, 1e-2]]
        print(f'{path} {feature}: validation accuracy by L2 penalty {", ".join(scores)}')
