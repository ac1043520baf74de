cd /work/wt-repro
export DWGD_DATA_DIR=/work/shared/datasets
node bin/dwgd.js compare --config configs/paper/all.yaml --seeds 10 --out /work/rerun2/grid --resume > /work/rerun2/grid.log 2> /work/rerun2/grid.err
node bin/dwgd.js compare --config configs/paper/authors-lists/images.yaml --seeds 10 --out /work/rerun2/authors --resume > /work/rerun2/authors.log 2> /work/rerun2/authors.err
