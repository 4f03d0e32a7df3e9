"""Editorial fixes returned to each agency as tracked changes in its own Word file, and its answers read
back: `fixes` finds what the build would change, `placing` finds it in the Word file, `wordedit` writes
it there, `package` writes the file back, `returned` makes one copy and `answers` reads what the agency
did with it."""

FIX_COLUMNS = ["fix", "tracked change", "agency's answer", "agency's reply", "decision"]  # the matrix's, for fixes
