// The machine a report is generated on: host name, CPU model and core count.
#pragma once

#include <string>
#include <string_view>

namespace sextant::reports {

struct MachineInfo {
  std::string hostname;
  std::string cpu;  // "AMD EPYC 7B13", or "unknown" when /proc/cpuinfo does not say
  int cores = 0;    // logical CPUs (hardware threads)
};

MachineInfo describe_machine();

// The CPU model named in the text of /proc/cpuinfo: "model name" on x86, "Model",
// "Hardware" or "cpu model" elsewhere; empty when none is present.
std::string cpu_model_from_cpuinfo(std::string_view cpuinfo);

}  // namespace sextant::reports
