// Loading models: clear errors for files that are not usable models.
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "runtime/model/chat_template.hpp"
#include "runtime/model/model.hpp"
#include "tests/test_paths.hpp"

using namespace sextant::runtime;

TEST_CASE("loading a gguf without model hyperparameters names the missing key", "[runtime][model_loading]") {
  CHECK_THROWS_WITH(Model::load(sextant::testing::fixture("gguf/all_types.gguf")),
                    Catch::Contains("all_types.gguf") && Catch::Contains("llama.embedding_length"));
}

TEST_CASE("loading a missing file names it", "[runtime][model_loading]") {
  CHECK_THROWS_WITH(Model::load("/nonexistent/model.gguf"), Catch::Contains("/nonexistent/model.gguf"));
}

TEST_CASE("the real model loads with its published shape", "[runtime][model_loading][model]") {
  SEXTANT_REQUIRE_MODEL(path);
  const auto m = Model::load(path);
  const ModelConfig& c = m->config();
  CHECK(c.n_layer == 30);
  CHECK(c.n_embd == 576);
  CHECK(c.n_head == 9);
  CHECK(c.n_head_kv == 3);
  CHECK(c.n_ff == 1536);
  CHECK(c.n_vocab == 49152);
  CHECK(c.tied_embeddings);
  CHECK(c.rope_theta == 100000.0);
  const ChatTemplate t = chat_template_for(*m);
  CHECK(t.format == ChatFormat::ChatMl);
  CHECK(render_chat(t, {{"user", "Hi"}}, true) ==
        "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
        "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
}

TEST_CASE("chat templates render the three formats", "[runtime][chat_template]") {
  const std::vector<ChatMessage> chat{{"system", "Be brief."}, {"user", "Hi"}, {"assistant", "Hello."}, {"user", "Bye"}};
  CHECK(render_chat(chat_template_by_name("chatml"), chat, true) ==
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello.<|im_end|>\n"
        "<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n");
  CHECK(render_chat(chat_template_by_name("llama3"), chat, true) ==
        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\nBye<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
  CHECK(render_chat(chat_template_by_name("llama2"), chat, true) ==
        "<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello. </s><s>[INST] Bye [/INST]");
  CHECK(chat_template_from_jinja("{{ '<|start_header_id|>' + message['role'] }}").format == ChatFormat::Llama3);
  CHECK(chat_template_from_jinja("[INST] {{ message['content'] }} [/INST]").format == ChatFormat::Llama2);
  CHECK_THROWS_WITH(chat_template_from_jinja("{{ messages }}"), Catch::Contains("not recognised"));
}
