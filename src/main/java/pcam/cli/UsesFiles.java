package pcam.cli;

import java.util.List;
import pcam.util.PathGuard;

/**
 * A command that reads some paths and writes others. Before it runs, {@link Commands} checks with
 * {@link PathGuard} that no output is, holds, or lies inside one of its inputs, so no command can
 * write over what it reads, however its paths are spelled or linked.
 */
interface UsesFiles {
  /** Everything the command reads: model, images, labels, ids, data, runs. */
  List<PathGuard.Role> inputs();

  /** Everything the command writes or replaces: files, and folders it writes into. */
  List<PathGuard.Role> outputs();
}
