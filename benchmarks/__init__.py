"""Benchmarks: ember side by side with PyTorch, reported as ratios."""
