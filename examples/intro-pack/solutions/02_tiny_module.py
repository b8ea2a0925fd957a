import torch


class TinyNet(torch.nn.Module):
    def __init__(self, num_inputs, num_hidden, num_outputs):
        super().__init__()
        self.hidden = torch.nn.Linear(num_inputs, num_hidden)
        self.output = torch.nn.Linear(num_hidden, num_outputs)

    def forward(self, x):
        return self.output(torch.relu(self.hidden(x)))


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


if __name__ == "__main__":
    model = TinyNet(3, 5, 2)
    print(model)
    print(model(torch.randn(4, 3)))
    print(count_parameters(model))
