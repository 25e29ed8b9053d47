// Chat templates: turning a list of messages into the prompt text a chat model was trained on.
#pragma once

#include <string>
#include <vector>

namespace sextant::runtime {

class Model;

enum class ChatFormat { ChatMl, Llama2, Llama3 };

struct ChatTemplate {
  ChatFormat format = ChatFormat::ChatMl;
  std::string default_system;  // inserted when the messages start without a system message
};

struct ChatMessage {
  std::string role;  // system, user, assistant
  std::string content;
};

// By name: "chatml", "llama2", "llama3".
ChatTemplate chat_template_by_name(const std::string& name);
// Recognised from a Jinja template text (tokenizer.chat_template); throws when unknown.
ChatTemplate chat_template_from_jinja(const std::string& jinja);
// The model's own template; ChatML when the file has none.
ChatTemplate chat_template_for(const Model& model);

// The prompt text; with add_generation_prompt it ends where the assistant's reply begins.
std::string render_chat(const ChatTemplate& tmpl, const std::vector<ChatMessage>& messages, bool add_generation_prompt);

}  // namespace sextant::runtime
