.process.oomScoreAdj = 5000
