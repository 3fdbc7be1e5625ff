"""The fonts of the PDF (字体): the shipped fontconfig file and which font drew each face."""
