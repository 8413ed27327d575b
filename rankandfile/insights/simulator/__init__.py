"""The culture simulator (DESIGN §8): a seeded agent-based model of one unit, run through the services.

`agents` is the model (pure Python: who speaks, who answers, who leaves, and why); `truth` is its own record of
what it did; `run` drives the apps' services month by month with the simulated dates (time-machine moves the
clock, so every stamp the services write is the simulated moment). `rankandfile simulate` is its command.
"""
