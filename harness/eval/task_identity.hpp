// Content identities of models, data and tasks, so that stored results are reused only when comparable.
#pragma once

#include <string>

namespace sextant::harness {

// A model file's (or folder's) identity: its size and the hash of its first and last
// megabyte, plus a folder's config and weight file sizes. Cheap, and changes with the weights.
std::string model_identity(const std::string& path);
// The hash of a data file's bytes, or of every file in a folder in name order.
std::string data_identity(const std::string& path);
// The identity of a task: model, dataset, mode config, data, chat setting, metric version
// (bump kMetricVersion when a metric's computation or a sample record's meaning changes) and
// the runtime's numerics version (runtime/numerics_version.hpp).
std::string task_hash(const std::string& model_id, const std::string& dataset, const std::string& mode_config_json,
                      const std::string& data_id, bool chat);
// The short config hash shown beside every score ("version", as OpenCompass shows it): the
// same for every model, different when a template, mode or metric changes.
std::string config_version(const std::string& dataset, const std::string& mode_config_json, bool chat);

inline constexpr const char* kMetricVersion = "metrics-2";

}  // namespace sextant::harness
