// Drawing progress lines on stderr.
#include "harness/eval/progress_line.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>

namespace sextant::harness {
namespace {
std::atomic<bool> g_quiet{false};
}

void ProgressLine::set_quiet(bool quiet) { g_quiet = quiet; }

ProgressLine::ProgressLine(std::string name, bool live)
    : name_(std::move(name)), start_(std::chrono::steady_clock::now()), tty_(live && isatty(2) != 0) {}

void ProgressLine::update(std::int64_t done, std::int64_t total, std::int64_t base) {
  if (g_quiet) return;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const bool finished = base + done >= total;
  if (!finished && elapsed - last_ < (tty_ ? 0.2 : 10.0)) return;
  last_ = elapsed;
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
  const double eta = rate > 0 ? static_cast<double>(total - base - done) / rate : 0.0;
  const int width = 20;
  const int filled = total > 0 ? static_cast<int>(width * (base + done) / total) : width;
  std::string bar;
  if (tty_)
    bar = fmt::format("[{}{}] ", std::string(static_cast<std::size_t>(filled), '#'),
                      std::string(static_cast<std::size_t>(width - filled), '.'));
  const std::string line = fmt::format("{}{:<28} {}{:>6}/{:<6} {:7.1f} items/s  ETA {:5.0f} s", tty_ ? "\r" : "", name_,
                                       bar, base + done, total, rate, eta);
  std::fputs(line.c_str(), stderr);
  if (!tty_ || finished) std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace sextant::harness
