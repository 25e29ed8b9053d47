// Content identities of models, data and tasks, so that stored results are reused only when comparable.
#pragma once

#include <string>

namespace sextant::harness {

// A model file's (or folder's) identity: its size and the hash of its first and last
// megabyte, plus a folder's config and weight file sizes. Cheap, and changes with the weights.
std::string model_identity(const std::string& path);
// The hash of a data file's bytes, or of every file in a folder in name order.
std::string data_identity(const std::string& path);
// The identity of a task: bump kPromptVersion when a prompt form or metric changes.
std::string task_hash(const std::string& model_id, const std::string& dataset, const std::string& data_id);

inline constexpr const char* kPromptVersion = "mc-zero-shot-1";

}  // namespace sextant::harness
