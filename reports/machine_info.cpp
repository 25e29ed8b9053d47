// Host name from gethostname, CPU model from /proc/cpuinfo, cores from the standard library.
#include "reports/machine_info.hpp"

#include <unistd.h>

#include <fstream>
#include <iterator>
#include <thread>

namespace sextant::reports {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string cpu_model_from_cpuinfo(std::string_view cpuinfo) {
  // In order of preference: x86 names the model per processor; ARM and others name the board.
  for (const std::string_view wanted : {"model name", "Model", "Hardware", "cpu model"}) {
    std::size_t start = 0;
    while (start < cpuinfo.size()) {
      std::size_t end = cpuinfo.find('\n', start);
      if (end == std::string_view::npos) end = cpuinfo.size();
      const std::string_view line = cpuinfo.substr(start, end - start);
      start = end + 1;
      const std::size_t colon = line.find(':');
      if (colon == std::string_view::npos || trim(line.substr(0, colon)) != wanted) continue;
      const std::string_view value = trim(line.substr(colon + 1));
      if (!value.empty()) return std::string(value);
    }
  }
  return "";
}

MachineInfo describe_machine() {
  MachineInfo m;
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0) m.hostname = host;
  if (m.hostname.empty()) m.hostname = "unknown";
  std::ifstream in("/proc/cpuinfo");
  const std::string cpuinfo(std::istreambuf_iterator<char>(in), {});
  m.cpu = cpu_model_from_cpuinfo(cpuinfo);
  if (m.cpu.empty()) m.cpu = "unknown";
  m.cores = static_cast<int>(std::thread::hardware_concurrency());
  return m;
}

}  // namespace sextant::reports
