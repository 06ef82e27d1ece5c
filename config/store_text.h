// The long texts of a store file (a part's recommendation, text,
// verification, observation and evidence; a program's observation), which
// planning never reads. Loaded from a store snapshot (store_snapshot.h)
// they stay where they are, in the snapshot file mapped read-only, and the
// kernel pages them in when a message is rendered (issue 18); parsed from
// TOML they are owned.
#ifndef PLAZO_CONFIG_STORE_TEXT_H_
#define PLAZO_CONFIG_STORE_TEXT_H_

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

namespace plazo {

// An immutable text that owns its bytes, or borrows bytes that its owner
// keeps alive for as long as any copy of it (Program::text_bytes). 16 bytes
// either way, and no allocation when borrowed. Reads as a std::string_view.
class StoreText {
 public:
  StoreText() = default;
  // Copies text.
  StoreText(std::string_view text);  // NOLINT: a text is assigned like a string
  StoreText(const std::string& text) : StoreText(std::string_view(text)) {}
  StoreText(const char* text) : StoreText(std::string_view(text)) {}
  // Refers to bytes without copying them: they must outlive every copy.
  [[nodiscard]] static StoreText Borrow(std::string_view bytes);

  StoreText(const StoreText& other);
  StoreText(StoreText&& other) noexcept;
  StoreText& operator=(const StoreText& other);
  StoreText& operator=(StoreText&& other) noexcept;
  ~StoreText();

  std::string_view view() const { return {data_, size_}; }
  operator std::string_view() const { return view(); }  // NOLINT
  std::string str() const { return std::string(view()); }
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  // Whether the bytes are borrowed rather than owned.
  bool borrowed() const { return !owned_ && size_ > 0; }

  size_t find(std::string_view s, size_t pos = 0) const { return view().find(s, pos); }
  size_t rfind(std::string_view s, size_t pos = std::string_view::npos) const {
    return view().rfind(s, pos);
  }
  std::string_view substr(size_t pos, size_t n = std::string_view::npos) const {
    return view().substr(pos, n);
  }

  friend bool operator==(const StoreText& a, std::string_view b) { return a.view() == b; }

 private:
  void Release();

  const char* data_ = "";
  uint32_t size_ = 0;
  bool owned_ = false;
};

std::string operator+(const std::string& a, const StoreText& b);
std::string operator+(const StoreText& a, const std::string& b);
std::string operator+(const char* a, const StoreText& b);
std::ostream& operator<<(std::ostream& out, const StoreText& text);

}  // namespace plazo

#endif  // PLAZO_CONFIG_STORE_TEXT_H_
