// The outbox folder: without an [email] section, plazo delivers e-mail by
// writing each message as a file, <state>/outbox/new/<id>.eml (SPEC 5.2),
// for a person or a local mail tool to pick up. The layout is Maildir's
// (tmp/, new/, cur/): a file appears in new/ whole or not at all, so any
// reader, Maildir-aware or not, never sees half a message.
#ifndef PLAZO_NOTIFIERS_OUTBOX_FOLDER_H_
#define PLAZO_NOTIFIERS_OUTBOX_FOLDER_H_

#include <filesystem>
#include <string>
#include <string_view>

#include "notifiers/mailer.h"

namespace plazo {

class OutboxFolder : public Mailer {
 public:
  // The outbox under state_dir ([daemon] state). Nothing is touched until
  // the first Send.
  explicit OutboxFolder(std::string state_dir);

  // Writes mail.message to new/<id>.eml: into a fresh file in tmp/, fsync,
  // rename into new/, fsync of new/, so that after a crash the file is
  // either complete or absent. Creates outbox/, tmp/, new/ and cur/ (mode
  // 0750) when missing; state_dir itself must exist.
  //
  // Idempotent on mail.id: when new/<id>.eml, or the same message moved to
  // cur/ by a Maildir reader (cur/<id>.eml or cur/<id>.eml:2,<flags>),
  // exists already, nothing is written and the result is delivered, so a
  // retry after a crash leaves one file. Errors are retryable (a full disk,
  // a permission fixed later), except an id that is not a safe file name
  // (letters, digits, '.', '_', '-', not starting with '.'): permanent.
  // The detail of a success names the file.
  [[nodiscard]] DeliveryResult Send(const OutgoingEmail& mail) override;

  // Removes the files in tmp/ last modified before cutoff: halves of
  // messages whose writer died (kill -9, a full disk) before the rename.
  // The daemon calls it at start with a cutoff minutes in the past, so a
  // `plazod send-test` writing at that moment keeps its file. Returns how
  // many were removed; a missing tmp/ removes nothing.
  size_t RemoveStaleTemporaries(std::filesystem::file_time_type cutoff) const;

  // "outbox folder <state>/outbox".
  std::string Describe() const override;

  // <state>/outbox/new/<id>.eml: where Send puts message id.
  std::string PathFor(std::string_view id) const;

 private:
  std::string dir_;  // <state>/outbox
};

}  // namespace plazo

#endif  // PLAZO_NOTIFIERS_OUTBOX_FOLDER_H_
