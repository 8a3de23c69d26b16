// The thin executable: everything it does lives in EdgeCommands.
