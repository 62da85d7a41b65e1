#!/usr/bin/env bash
# Writes the translation template of every string in the plugin's PHP (one text domain), in a
# stable order and without a creation date, so that `make check-i18n` can compare it.
set -euo pipefail
cd "$(dirname "$0")/.."
find . -name '*.php' -not -path './tests/*' -not -path './engine/*' | LC_ALL=C sort | \
  xgettext --language=PHP --from-code=UTF-8 --files-from=- --output=- --sort-by-file --add-comments=translators: \
    --keyword=__ --keyword=_e --keyword=esc_html__ --keyword=esc_html_e --keyword=esc_attr__ --keyword=esc_attr_e \
    --keyword=_x:1,2c --package-name=sanalpos-woocommerce --package-version=0.1.0 \
    --msgid-bugs-address=https://github.com/sanalpos/sanalpos/issues | \
  sed -e '/^"POT-Creation-Date:/d' -e 's/charset=CHARSET/charset=UTF-8/' -e '1,/^$/s/^# SOME DESCRIPTIVE TITLE./# sanalpos-woocommerce translation template./'
