// The three chat formats, rendered directly rather than through a Jinja interpreter.
#include "runtime/model/chat_template.hpp"

#include "core/error.hpp"
#include "runtime/model/model.hpp"

namespace sextant::runtime {

ChatTemplate chat_template_by_name(const std::string& name) {
  if (name == "chatml") return {ChatFormat::ChatMl, ""};
  if (name == "llama2") return {ChatFormat::Llama2, ""};
  if (name == "llama3") return {ChatFormat::Llama3, ""};
  fail("unknown chat template \"{}\" (chatml, llama2, llama3)", name);
}

ChatTemplate chat_template_from_jinja(const std::string& jinja) {
  ChatTemplate t;
  if (jinja.find("<|im_start|>") != std::string::npos) {
    t.format = ChatFormat::ChatMl;
    // A literal default system message, as SmolLM2's and Qwen2's templates carry.
    const std::string marker = "<|im_start|>system\\n";
    const std::string marker_raw = "<|im_start|>system\n";
    std::size_t at = jinja.find(marker_raw);
    std::size_t skip = marker_raw.size();
    if (at == std::string::npos) {
      at = jinja.find(marker);
      skip = marker.size();
    }
    if (at != std::string::npos) {
      const std::size_t end = jinja.find("<|im_end|>", at);
      if (end != std::string::npos) {
        std::string text = jinja.substr(at + skip, end - at - skip);
        if (text.find("{{") == std::string::npos && text.find("{%") == std::string::npos && text.find('\'') == std::string::npos)
          t.default_system = text;
      }
    }
    return t;
  }
  if (jinja.find("<|start_header_id|>") != std::string::npos) return {ChatFormat::Llama3, ""};
  if (jinja.find("[INST]") != std::string::npos) return {ChatFormat::Llama2, ""};
  fail("chat template not recognised (ChatML, Llama 2 and Llama 3 are); name one with --chat-template");
}

ChatTemplate chat_template_for(const Model& model) {
  if (model.chat_template().empty()) return {ChatFormat::ChatMl, ""};
  return chat_template_from_jinja(model.chat_template());
}

std::string render_chat(const ChatTemplate& tmpl, const std::vector<ChatMessage>& messages, bool add_generation_prompt) {
  std::vector<ChatMessage> msgs = messages;
  if (!tmpl.default_system.empty() && (msgs.empty() || msgs.front().role != "system"))
    msgs.insert(msgs.begin(), {"system", tmpl.default_system});
  std::string out;
  switch (tmpl.format) {
    case ChatFormat::ChatMl:
      for (const auto& m : msgs) out += "<|im_start|>" + m.role + "\n" + m.content + "<|im_end|>\n";
      if (add_generation_prompt) out += "<|im_start|>assistant\n";
      break;
    case ChatFormat::Llama3:
      out += "<|begin_of_text|>";
      for (const auto& m : msgs) out += "<|start_header_id|>" + m.role + "<|end_header_id|>\n\n" + m.content + "<|eot_id|>";
      if (add_generation_prompt) out += "<|start_header_id|>assistant<|end_header_id|>\n\n";
      break;
    case ChatFormat::Llama2: {
      std::string system;
      bool first_user = true;
      for (const auto& m : msgs) {
        if (m.role == "system") {
          system = m.content;
        } else if (m.role == "user") {
          out += "<s>[INST] ";
          if (first_user && !system.empty()) out += "<<SYS>>\n" + system + "\n<</SYS>>\n\n";
          out += m.content + " [/INST]";
          first_user = false;
        } else {
          out += " " + m.content + " </s>";
        }
      }
      break;
    }
  }
  return out;
}

}  // namespace sextant::runtime
