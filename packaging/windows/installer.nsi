; NSIS script of the Windows installer (packaging/windows/build.sh runs Debian's makensis with -DSRC=... -DOUT=...).
; A per-user install, no administrator rights: %LOCALAPPDATA%\Programs\Testimony Intake, a Start menu shortcut and an
; uninstaller. The vault is not in the program folder (it lives in the user's data folder, %LOCALAPPDATA%), so
; uninstalling never touches testimony; erasing a vault is `intake vault erase` or the app's emergency erase.
; The installer is not code-signed (docs/packaging.md, "Code signing"): Windows SmartScreen warns about it.
Unicode true
!ifndef SRC
  !error "makensis -DSRC=dist/windows/testimony-intake -DOUT=... installer.nsi"
!endif
!ifndef OUT
  !define OUT "testimony-intake-setup-x64.exe"
!endif
Name "Testimony Intake"
OutFile "${OUT}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\Testimony Intake"
SetCompressor /SOLID lzma
ShowInstDetails nevershow
Page directory
Page instfiles
UninstPage uninstConfirm
UninstPage instfiles

Section "Install"
  SetOutPath "$INSTDIR"
  File /r "${SRC}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateDirectory "$SMPROGRAMS\Testimony Intake"
  CreateShortcut "$SMPROGRAMS\Testimony Intake\Testimony Intake.lnk" "$INSTDIR\intake-app.exe"
  WriteRegStr HKCU "Software\Microsoft\Windows\CurrentVersion\Uninstall\TestimonyIntake" "DisplayName" "Testimony Intake"
  WriteRegStr HKCU "Software\Microsoft\Windows\CurrentVersion\Uninstall\TestimonyIntake" "UninstallString" "$\"$INSTDIR\uninstall.exe$\""
  WriteRegStr HKCU "Software\Microsoft\Windows\CurrentVersion\Uninstall\TestimonyIntake" "InstallLocation" "$INSTDIR"
  WriteRegDWORD HKCU "Software\Microsoft\Windows\CurrentVersion\Uninstall\TestimonyIntake" "NoModify" 1
  WriteRegDWORD HKCU "Software\Microsoft\Windows\CurrentVersion\Uninstall\TestimonyIntake" "NoRepair" 1
SectionEnd

Section "Uninstall"
  Delete "$SMPROGRAMS\Testimony Intake\Testimony Intake.lnk"
  RMDir "$SMPROGRAMS\Testimony Intake"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\intake-app.exe"
  Delete "$INSTDIR\intake.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "Software\Microsoft\Windows\CurrentVersion\Uninstall\TestimonyIntake"
SectionEnd
