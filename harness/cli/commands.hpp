// The subcommands of the sextant executable, each a function over its arguments.
#pragma once

#include <string>
#include <vector>

namespace sextant::harness {

// Each returns the process exit code; errors are thrown as sextant::Error / UsageError.
int tokenize_command(const std::vector<std::string>& args);
int score_command(const std::vector<std::string>& args);
int generate_command(const std::vector<std::string>& args);
int logits_command(const std::vector<std::string>& args);
int bench_command(const std::vector<std::string>& args);
int eval_command(const std::vector<std::string>& args);
int ls_command(const std::vector<std::string>& args);
int report_command(const std::vector<std::string>& args);
int serve_command(const std::vector<std::string>& args);
int train_command(const std::vector<std::string>& args);
int export_command(const std::vector<std::string>& args);
int data_command(const std::vector<std::string>& args);
// `sextant data contamination` (data_command dispatches to it).
int contamination_command(const std::vector<std::string>& args);

}  // namespace sextant::harness
