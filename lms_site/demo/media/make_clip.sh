#!/bin/sh
# How the demo clip was made (once, with Debian's ffmpeg; `make run` only loads the committed file):
# drawn frames (a coloured background, a skin band, a needle moving down, captions in the picture),
# 12 s at 24 fps, H.264 with the index at the start so a browser can seek before it has it all.
set -e
cd "$(dirname "$0")"
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
ffmpeg -hide_banner -loglevel error -y -f lavfi -i "color=c=0x1d3f4a:s=640x360:d=12:r=24" -vf "\
drawbox=x=0:y=230:w=640:h=130:color=0xe8b8a0@1:t=fill,\
drawbox=x=0:y=230:w=640:h=8:color=0xc98f78@1:t=fill,\
drawbox=x=300:y='40+min(t,6)*25':w=6:h=160:color=0xdddddd@1:t=fill,\
drawbox=x=270:y='20+min(t,6)*25':w=66:h=24:color=0x6fa8dc@1:t=fill,\
drawtext=fontfile=$FONT:text='Intradermal technique':fontcolor=white:fontsize=30:x=24:y=24,\
drawtext=fontfile=$FONT:text='Needle at 90 degrees, 4 mm':fontcolor=white:fontsize=22:x=24:y=64:enable='gte(t,3)',\
drawtext=fontfile=$FONT:text='%{eif\:t\:d} s':fontcolor=white:fontsize=20:x=570:y=24" \
  -c:v libx264 -preset veryslow -crf 32 -pix_fmt yuv420p -movflags +faststart -an intradermal-technique.mp4
