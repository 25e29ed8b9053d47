// Hugging Face folders against tokenizers' ids and transformers' logits (scripts/gen/tiny_hf_models.py),
// and clear errors for broken folders.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/formats/safetensors_reader.hpp"
#include "runtime/model/model.hpp"
#include "runtime/model/transformer.hpp"
#include "tests/test_files.hpp"
#include "tests/test_paths.hpp"

using sextant::testing::read_all;

using namespace sextant::runtime;
using sextant::testing::fixture;
namespace fs = std::filesystem;

namespace {

void write_all(const fs::path& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

// A fresh copy of a fixture folder to break, in the temp directory.
fs::path copy_fixture(const std::string& name, const std::string& copy_name) {
  const fs::path dir = fs::temp_directory_path() / ("sextant_hf_" + copy_name);
  fs::remove_all(dir);
  fs::copy(fixture("hf/" + name), dir, fs::copy_options::recursive);
  return dir;
}

struct Expected {
  const char* name;
  Architecture arch;
  TensorType type;
  bool tied;
  double rope_theta;
  double rope_linear_factor;
  float rms_eps;
};

}  // namespace

TEST_CASE("hf folders give tokenizers' ids and transformers' logits", "[runtime][hf]") {
  const Expected e =
      GENERATE(Expected{"llama_f32_tied", Architecture::Llama, TensorType::F32, true, 1e4, 1.0, 1e-5f},
               Expected{"qwen2_f32_sharded", Architecture::Qwen2, TensorType::F32, false, 5e4, 2.0, 1e-6f},
               Expected{"llama_bf16", Architecture::Llama, TensorType::BF16, false, 1e5, 1.0, 1e-5f},
               Expected{"internlm2_f16", Architecture::InternLm2, TensorType::F16, false, 1e6, 2.0, 1e-5f},
               Expected{"llama_llama3_rope", Architecture::Llama, TensorType::F32, true, 1e4, 1.0, 1e-5f});
  INFO(e.name);
  const auto model = Model::load(fixture(std::string("hf/") + e.name));
  const ModelConfig& c = model->config();
  CHECK(c.arch == e.arch);
  CHECK(c.rope_style == RopeStyle::Halves);
  CHECK(c.tied_embeddings == e.tied);
  CHECK(c.rope_theta == e.rope_theta);
  CHECK(c.rope_linear_factor == e.rope_linear_factor);
  // llama3 scaling: pairs kept (wavelength < 8), blended, slowed 4x (> 32).
  if (std::string(e.name) == "llama_llama3_rope") {
    REQUIRE(c.rope_freq_factors.size() == 8);
    CHECK(c.rope_freq_factors[0] == 1.0f);
    CHECK(c.rope_freq_factors[1] > 1.0f);
    CHECK(c.rope_freq_factors[1] < 4.0f);
    CHECK(c.rope_freq_factors[7] == 4.0f);
  } else {
    CHECK(c.rope_freq_factors.empty());
  }
  CHECK(c.rms_eps == e.rms_eps);
  CHECK(c.kv_type == KvType::F32);
  CHECK(c.n_vocab == 384);
  CHECK(c.n_layer == 2);
  CHECK(c.n_head == 4);
  CHECK(c.n_head_kv == 2);
  CHECK(c.head_dim == 16);
  CHECK(c.n_ff == 128);
  CHECK(model->weights().layers.at(0).wq.type == e.type);
  CHECK(model->weights().output.type == e.type);

  const auto golden = nlohmann::json::parse(read_all(fixture(std::string("hf/") + e.name + "/golden.json")));
  const std::string text = golden["text"];
  const auto ids = golden["ids"].get<std::vector<TokenId>>();
  const Tokenizer& tok = model->tokenizer();
  REQUIRE(tok.encode(text, tok.adds_bos(), true) == ids);
  CHECK(tok.decode(tok.encode(text, false, true)) == text);

  KvCache cache(c);
  ForwardBatch batch;
  for (std::size_t i = 0; i < ids.size(); ++i) batch.add(ids[i], static_cast<std::int32_t>(i), &cache, true);
  ThreadPool pool(2);
  std::vector<float> logits;
  forward(*model, batch, logits, pool);
  const auto& expected = golden["logits"];
  REQUIRE(expected.size() == ids.size());
  REQUIRE(logits.size() == ids.size() * static_cast<std::size_t>(c.n_vocab));
  double max_rel = 0.0;
  for (std::size_t t = 0; t < ids.size(); ++t)
    for (std::int64_t v = 0; v < c.n_vocab; ++v) {
      const double ref = expected[t][static_cast<std::size_t>(v)].get<double>();
      const double ours = logits[t * static_cast<std::size_t>(c.n_vocab) + static_cast<std::size_t>(v)];
      max_rel = std::max(max_rel, std::abs(ours - ref) / std::max(1.0, std::abs(ref)));
    }
  INFO("max |ours - ref| / max(1, |ref|) = " << max_rel);
  CHECK(max_rel < 1e-4);
}

TEST_CASE("hf folders read their special tokens and chat template", "[runtime][hf]") {
  const auto llama = Model::load(fixture("hf/llama_f32_tied"));
  const Tokenizer& tok = llama->tokenizer();
  CHECK(tok.bos() == tok.find("<|endoftext|>"));
  CHECK(tok.eos() == tok.find("<|im_end|>"));
  CHECK(tok.adds_bos());
  CHECK(tok.token_kind(tok.find("<|im_start|>")) == TokenKind::Control);
  CHECK(std::find(tok.stop_ids().begin(), tok.stop_ids().end(), tok.eos()) != tok.stop_ids().end());
  CHECK(llama->chat_template().find("<|im_start|>") != std::string::npos);
  const SafetensorsFile file(fixture("hf/llama_f32_tied/model.safetensors"));
  std::size_t stored = 0;
  for (const auto& t : file.tensors()) stored += t.bytes;
  CHECK(llama->weight_bytes() == stored);

  const auto qwen = Model::load(fixture("hf/qwen2_f32_sharded"));
  CHECK(qwen->tokenizer().bos() == -1);  // tokenizer_config.json: bos_token null
  CHECK_FALSE(qwen->tokenizer().adds_bos());

  // Without tokenizer_config.json the ids come from config.json.
  const fs::path dir = copy_fixture("llama_f32_tied", "no_tokenizer_config");
  fs::remove(dir / "tokenizer_config.json");
  const Tokenizer t = Tokenizer::from_tokenizer_json((dir / "tokenizer.json").string());
  CHECK(t.bos() == 0);
  CHECK(t.eos() == 2);
  CHECK(t.adds_bos());  // the post-processor puts <|endoftext|> first
}

TEST_CASE("tensors the file leaves misaligned give the same logits", "[runtime][hf]") {
  // One more header byte (JSON allows the trailing space) shifts all data off 4-byte alignment.
  std::string bytes = read_all(fixture("hf/llama_f32_tied/model.safetensors"));
  std::uint64_t header_len = 0;
  std::memcpy(&header_len, bytes.data(), 8);
  bytes = bytes.substr(0, 8 + header_len) + " " + bytes.substr(8 + header_len);
  ++header_len;
  std::memcpy(bytes.data(), &header_len, 8);
  const fs::path dir = copy_fixture("llama_f32_tied", "misaligned");
  write_all(dir / "model.safetensors", bytes);

  auto logits_of = [](const Model& m) {
    KvCache cache(m.config());
    ForwardBatch batch;
    const std::vector<TokenId> ids = m.tokenizer().encode("Hello world", true, true);
    for (std::size_t i = 0; i < ids.size(); ++i) batch.add(ids[i], static_cast<std::int32_t>(i), &cache, true);
    ThreadPool pool(1);
    std::vector<float> logits;
    forward(m, batch, logits, pool);
    return logits;
  };
  const auto shifted = Model::load(dir.string());
  REQUIRE(reinterpret_cast<std::uintptr_t>(shifted->weights().layers[0].wq.data) % 4 == 0);
  CHECK(logits_of(*shifted) == logits_of(*Model::load(fixture("hf/llama_f32_tied"))));
}

TEST_CASE("a truncated safetensors file is an error naming the file and tensor", "[runtime][hf]") {
  const std::string source = fixture("hf/llama_f32_tied/model.safetensors");
  const std::string last = SafetensorsFile(source).tensors().back().name;
  const std::string bytes = read_all(source);
  const fs::path dir = copy_fixture("llama_f32_tied", "truncated");
  write_all(dir / "model.safetensors", bytes.substr(0, bytes.size() - 100));
  CHECK_THROWS_WITH(Model::load(dir.string()),
                    Catch::Contains("model.safetensors") && Catch::Contains(last) && Catch::Contains("truncated"));
  for (std::size_t cut : {0ul, 5ul, 8ul, 100ul}) {
    INFO("cut at " << cut);
    write_all(dir / "model.safetensors", bytes.substr(0, cut));
    CHECK_THROWS_AS(SafetensorsFile((dir / "model.safetensors").string()), sextant::Error);
  }
}

TEST_CASE("a safetensors header naming an unknown dtype is an error naming the file and tensor", "[runtime][hf]") {
  std::string bytes = read_all(fixture("hf/llama_f32_tied/model.safetensors"));
  const std::string tensor = "model.layers.1.self_attn.k_proj.weight";
  const std::size_t at = bytes.find("\"F32\"", bytes.find("\"" + tensor + "\""));
  REQUIRE(at != std::string::npos);
  bytes[at + 1] = 'Q';  // same length, so the offsets stay right
  const fs::path dir = copy_fixture("llama_f32_tied", "dtype");
  write_all(dir / "model.safetensors", bytes);
  CHECK_THROWS_WITH(Model::load(dir.string()),
                    Catch::Contains("model.safetensors") && Catch::Contains(tensor) && Catch::Contains("Q32"));
}

TEST_CASE("a tensor of the wrong shape is an error naming it and both shapes", "[runtime][hf]") {
  const fs::path dir = copy_fixture("qwen2_f32_sharded", "shape");
  auto config = nlohmann::json::parse(read_all((dir / "config.json").string()));
  config["intermediate_size"] = 96;
  write_all(dir / "config.json", config.dump());
  CHECK_THROWS_WITH(Model::load(dir.string()),
                    Catch::Contains("model-0000") && Catch::Contains("layers.0.mlp.gate_proj.weight") &&
                        Catch::Contains("[128, 64]") && Catch::Contains("expected [96, 64]"));
}

TEST_CASE("a config.json without hidden_size is an error naming it", "[runtime][hf]") {
  const fs::path dir = copy_fixture("llama_bf16", "config");
  auto config = nlohmann::json::parse(read_all((dir / "config.json").string()));
  config.erase("hidden_size");
  write_all(dir / "config.json", config.dump());
  CHECK_THROWS_WITH(Model::load(dir.string()), Catch::Contains("config.json") && Catch::Contains("hidden_size"));
}

TEST_CASE("a folder without tokenizer.json is an error naming it", "[runtime][hf]") {
  const fs::path dir = copy_fixture("internlm2_f16", "no_tokenizer");
  fs::remove(dir / "tokenizer.json");
  CHECK_THROWS_WITH(Model::load(dir.string()), Catch::Contains("tokenizer.json") && Catch::Contains("missing"));
}

TEST_CASE("tokenizer.json shapes the runtime does not implement are errors naming the field", "[runtime][hf]") {
  const fs::path dir = copy_fixture("llama_f32_tied", "tokenizer_shapes");
  const std::string path = (dir / "tokenizer.json").string();
  const auto original = nlohmann::json::parse(read_all(fixture("hf/llama_f32_tied/tokenizer.json")));

  auto unigram = original;
  unigram["model"]["type"] = "Unigram";
  write_all(path, unigram.dump());
  CHECK_THROWS_WITH(Tokenizer::from_tokenizer_json(path),
                    Catch::Contains("tokenizer.json") && Catch::Contains("model.type"));

  auto pattern = original;
  pattern["pre_tokenizer"] = {
      {"type", "Sequence"},
      {"pretokenizers",
       {{{"type", "Split"}, {"pattern", {{"Regex", "\\w+"}}}, {"behavior", "Isolated"}, {"invert", false}},
        {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}}}}};
  write_all(path, pattern.dump());
  CHECK_THROWS_WITH(Tokenizer::from_tokenizer_json(path),
                    Catch::Contains("tokenizer.json") && Catch::Contains("pre_tokenizer.pretokenizers[0].pattern"));

  auto metaspace = original;
  metaspace["pre_tokenizer"] = {{"type", "Metaspace"}, {"replacement", "\xe2\x96\x81"}};
  write_all(path, metaspace.dump());
  CHECK_THROWS_WITH(Tokenizer::from_tokenizer_json(path),
                    Catch::Contains("tokenizer.json") && Catch::Contains("pre_tokenizer"));
}
