// Writing, finding and reading training checkpoints.
#include "trainer/checkpoint/training_checkpoint.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "runtime/formats/safetensors_reader.hpp"
#include "trainer/checkpoint/safetensors_writer.hpp"

namespace sextant::trainer {
namespace fs = std::filesystem;
namespace {

void sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("{}: cannot be read", path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string checkpoint_name(std::int64_t step) { return fmt::format("step-{:06d}", step); }

std::string write_checkpoint(const std::string& dir, const CheckpointContents& c) {
  const fs::path final_dir = fs::path(dir) / checkpoint_name(c.state.step);
  const fs::path tmp = fs::path(dir) / fmt::format(".{}.tmp", checkpoint_name(c.state.step));
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  write_file_atomically((tmp / "config.json").string(), hf_config_json(*c.config, c.ids));
  write_file_atomically((tmp / "model.safetensors").string(), hf_weights_bytes(*c.params));
  write_file_atomically((tmp / "tokenizer.json").string(), read_text(c.tokenizer_json_path));
  std::vector<TensorToWrite> moments;
  for (const ParameterTensor& t : c.params->tensors()) {
    moments.push_back({"m." + t.name, t.shape, c.adam_m->data() + t.offset});
    moments.push_back({"v." + t.name, t.shape, c.adam_v->data() + t.offset});
  }
  write_file_atomically((tmp / "optimizer.safetensors").string(), safetensors_bytes(moments));
  nlohmann::ordered_json state;
  state["step"] = c.state.step;
  state["updates"] = c.state.updates;
  state["streams"] = nlohmann::ordered_json::array();
  for (const StreamPosition& s : c.state.streams)
    state["streams"].push_back({{"source", s.source}, {"position", s.position}, {"epoch", s.epoch}, {"size", s.size}});
  state["loss_mean"] = c.state.loss_mean;
  state["loss_count"] = c.state.loss_count;
  state["skipped_steps"] = c.state.skipped_steps;
  state["config_fingerprint"] = c.state.config_fingerprint;
  if (!c.state.config_name.empty()) state["config_name"] = c.state.config_name;
  if (c.state.final) state["final"] = true;
  write_file_atomically((tmp / "trainer_state.json").string(), state.dump(2) + "\n");
  sync_directory(tmp);
  if (fs::exists(final_dir)) fs::remove_all(final_dir);
  fs::rename(tmp, final_dir);
  sync_directory(dir);
  return final_dir.string();
}

std::optional<std::string> latest_checkpoint(const std::string& dir) {
  if (!fs::is_directory(dir)) return std::nullopt;
  std::optional<std::string> best;
  long long best_step = -1;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || !name.starts_with("step-")) continue;
    if (!fs::exists(entry.path() / "trainer_state.json")) continue;
    // By number: "step-1000000" comes after "step-999999".
    const long long step = std::atoll(name.c_str() + 5);
    if (step > best_step) best_step = step, best = entry.path().string();
  }
  return best;
}

std::vector<CheckpointEntry> complete_checkpoints(const std::string& dir) {
  std::vector<CheckpointEntry> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || !name.starts_with("step-")) continue;
    if (!fs::exists(entry.path() / "trainer_state.json")) continue;
    try {
      const TrainerState st = read_trainer_state(entry.path().string());
      out.push_back({entry.path().string(), st.step, st.final, st.config_name});
    } catch (const Error&) {
      // A run that keeps only its last checkpoints may remove one while it is read.
      if (fs::exists(entry.path() / "trainer_state.json")) throw;
    }
  }
  std::sort(out.begin(), out.end(), [](const CheckpointEntry& a, const CheckpointEntry& b) { return a.step < b.step; });
  return out;
}

TrainerState read_checkpoint(const std::string& checkpoint_dir, Parameters& params, std::vector<float>& adam_m,
                             std::vector<float>& adam_v) {
  load_hf_weights(checkpoint_dir, params);
  const runtime::SafetensorsFile opt((fs::path(checkpoint_dir) / "optimizer.safetensors").string());
  adam_m.assign(static_cast<std::size_t>(params.size()), 0.0f);
  adam_v.assign(static_cast<std::size_t>(params.size()), 0.0f);
  for (const ParameterTensor& t : params.tensors()) {
    for (const char* which : {"m.", "v."}) {
      const runtime::SafetensorsTensor& s = opt.tensor(which + t.name);
      if (s.dtype != "F32" || s.elements() != t.size) fail("{}: tensor {}{} has the wrong type or size", opt.path(), which, t.name);
      std::vector<float>& dst = which[0] == 'm' ? adam_m : adam_v;
      std::memcpy(dst.data() + t.offset, s.data, static_cast<std::size_t>(t.size) * sizeof(float));
    }
  }
  return read_trainer_state(checkpoint_dir);
}

TrainerState read_trainer_state(const std::string& checkpoint_dir) {
  const std::string path = (fs::path(checkpoint_dir) / "trainer_state.json").string();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_text(path));
    TrainerState st;
    st.step = j.at("step").get<std::int64_t>();
    st.updates = j.at("updates").get<std::int64_t>();
    for (const auto& s : j.at("streams"))
      st.streams.push_back({s.at("source").get<std::string>(), s.at("position").get<std::int64_t>(),
                            s.at("epoch").get<std::int64_t>(), s.value("size", std::int64_t{-1})});
    st.loss_mean = j.at("loss_mean").get<double>();
    st.loss_count = j.at("loss_count").get<std::int64_t>();
    st.skipped_steps = j.at("skipped_steps").get<std::int64_t>();
    st.config_fingerprint = j.at("config_fingerprint").get<std::string>();
    st.final = j.value("final", false);
    st.config_name = j.value("config_name", "");
    return st;
  } catch (const nlohmann::json::exception& e) {
    fail("{}: {}", path, e.what());
  }
}

}  // namespace sextant::trainer
