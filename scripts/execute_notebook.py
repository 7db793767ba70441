"""Executes one notebook with nbclient, the way JupyterLab runs it: kernel started in the
notebook's folder. Writes the executed copy (signed, so its HTML/JS outputs are trusted) and
prints one JSON line: {"ok": true} or {"ok": false, "cell": N, "error": "..."}.

usage: execute_notebook.py SOURCE DESTINATION KERNEL_NAME CELL_TIMEOUT_SECONDS
"""
import json
import re
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError
from nbformat.sign import NotebookNotary


ERROR_LINE = re.compile(r"^\s*(\w*(Error|Exception)\b.*)$")


def first_error(nb):
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return index, f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
    return None


def stderr_error(cell):
    """tslab reports a thrown error as a stderr stream with the stack trace, not as an error output."""
    text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("name") == "stderr")
    for line in text.splitlines():
        match = ERROR_LINE.match(line)
        if match:
            return match.group(1)
    return text.strip().splitlines()[0] if text.strip() else None


def main():
    source, destination, kernel_name, timeout = sys.argv[1:5]
    nb = nbformat.read(source, as_version=4)
    state = {"cell": None}

    def on_cell_start(cell, cell_index):
        state["cell"] = cell_index

    client = NotebookClient(
        nb,
        kernel_name=kernel_name,
        timeout=int(timeout),
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(source))}},
        on_cell_start=on_cell_start,
        # The outputs are in by then: a kernel stuck in a timed-out cell would hold a graceful
        # shutdown for its whole grace period.
        shutdown_kernel="immediate",
    )
    result = {"ok": True}
    try:
        client.execute()
    except CellTimeoutError:
        # nbclient interrupts the kernel, which leaves an "Interrupted" error in the cell: name the cause instead.
        result = {"ok": False, "cell": state["cell"], "error": f"cell timed out after {timeout} s (--timeout)"}
    except Exception as err:  # CellExecutionError, DeadKernelError, ...
        found = first_error(nb)
        if found is not None:
            result = {"ok": False, "cell": found[0], "error": found[1]}
        else:
            cell = state["cell"]
            detail = stderr_error(nb.cells[cell]) if cell is not None else None
            if detail is None:
                lines = str(err).strip().splitlines()
                detail = f"{type(err).__name__}: {lines[-1] if lines else ''}"
            result = {"ok": False, "cell": cell, "error": detail}
    finally:
        os.makedirs(os.path.dirname(os.path.abspath(destination)), exist_ok=True)
        temp = destination + ".tmp"
        nbformat.write(nb, temp)
        os.replace(temp, destination)
        NotebookNotary().sign(nbformat.read(destination, as_version=4))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
