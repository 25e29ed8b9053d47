// `sextant tokenize`: text on stdin to token ids on stdout, as llama-tokenize --ids prints them.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "harness/cli/arguments.hpp"
#include "harness/cli/commands.hpp"
#include "runtime/formats/gguf_reader.hpp"
#include "runtime/tokenizer/tokenizer.hpp"

namespace sextant::harness {

int tokenize_command(const std::vector<std::string>& argv) {
  Arguments args("tokenize", "Reads text on stdin and prints its token ids, separated by spaces.");
  args.option("model", "PATH", "model file (.gguf) or Hugging Face folder whose tokenizer to use")
      .flag("bos", "add the beginning-of-sequence token even if the model does not ask for it")
      .flag("no-bos", "never add the beginning-of-sequence token")
      .flag("no-parse-special", "treat special-token text such as <|im_end|> as plain text")
      .flag("pieces", "print each token's text beside its id, one per line")
      .flag("json", "print {\"ids\": [...], \"pieces\": [...]} as JSON");
  if (!args.parse(argv)) return 0;

  // Only the tokenizer is read: a GGUF file's metadata, or a Hugging Face folder's tokenizer.json.
  const std::string model = args.get("model");
  const runtime::Tokenizer tok = std::filesystem::is_directory(model)
                                     ? runtime::Tokenizer::from_tokenizer_json(model + "/tokenizer.json")
                                     : runtime::Tokenizer::from_gguf(runtime::GgufFile(model));
  const std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  const bool add_bos = args.flag_set("bos") || (tok.adds_bos() && !args.flag_set("no-bos"));
  const auto ids = tok.encode(text, add_bos, !args.flag_set("no-parse-special"));

  if (args.flag_set("json")) {
    nlohmann::json j;
    j["ids"] = ids;
    auto& pieces = j["pieces"] = nlohmann::json::array();
    for (auto id : ids) pieces.push_back(nlohmann::json(tok.token_bytes(id)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else if (args.flag_set("pieces")) {
    for (auto id : ids) std::cout << fmt::format("{} -> '{}'\n", id, tok.token_bytes(id));
  } else {
    std::cout << fmt::format("{}\n", fmt::join(ids, " "));
  }
  return 0;
}

}  // namespace sextant::harness
