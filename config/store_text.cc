#include "config/store_text.h"

#include <cstring>
#include <ostream>
#include <stdexcept>

namespace plazo {

StoreText::StoreText(std::string_view text) {
  if (text.empty()) return;
  // A store file is far below 4 GiB (config/file_text.h); a text this long
  // is a bug, not an input.
  if (text.size() > UINT32_MAX) throw std::length_error("StoreText: text over 4 GiB");
  char* bytes = new char[text.size()];
  std::memcpy(bytes, text.data(), text.size());
  data_ = bytes;
  size_ = static_cast<uint32_t>(text.size());
  owned_ = true;
}

StoreText StoreText::Borrow(std::string_view bytes) {
  StoreText t;
  if (bytes.empty()) return t;
  if (bytes.size() > UINT32_MAX) throw std::length_error("StoreText: text over 4 GiB");
  t.data_ = bytes.data();
  t.size_ = static_cast<uint32_t>(bytes.size());
  return t;
}

StoreText::StoreText(const StoreText& other) {
  if (other.owned_) {
    *this = StoreText(other.view());
  } else {
    data_ = other.data_;
    size_ = other.size_;
  }
}

StoreText::StoreText(StoreText&& other) noexcept
    : data_(other.data_), size_(other.size_), owned_(other.owned_) {
  other.data_ = "";
  other.size_ = 0;
  other.owned_ = false;
}

StoreText& StoreText::operator=(const StoreText& other) {
  if (this != &other) *this = StoreText(other);
  return *this;
}

StoreText& StoreText::operator=(StoreText&& other) noexcept {
  if (this != &other) {
    Release();
    data_ = other.data_;
    size_ = other.size_;
    owned_ = other.owned_;
    other.data_ = "";
    other.size_ = 0;
    other.owned_ = false;
  }
  return *this;
}

StoreText::~StoreText() { Release(); }

void StoreText::Release() {
  if (owned_) delete[] data_;
  data_ = "";
  size_ = 0;
  owned_ = false;
}

std::string operator+(const std::string& a, const StoreText& b) {
  std::string out = a;
  out += b.view();
  return out;
}

std::string operator+(const StoreText& a, const std::string& b) {
  std::string out(a.view());
  out += b;
  return out;
}

std::string operator+(const char* a, const StoreText& b) {
  std::string out(a);
  out += b.view();
  return out;
}

std::ostream& operator<<(std::ostream& out, const StoreText& text) { return out << text.view(); }

}  // namespace plazo
