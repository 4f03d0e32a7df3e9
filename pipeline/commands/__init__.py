"""One module per command of `jointreport`: each holds its click command and that command's own work,
and reaches the phases through the recipe (pipeline/build.py). cli.py gathers them into the group."""
